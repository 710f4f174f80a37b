/** Cron schedules: list, read, create or replace (validated: job, parameters, cron, time zone), delete. */
import { z } from "zod";
import { ACTOR_REQUIRED, type App, actorRoutes, problemSchema } from "../../../kit/index";
import { parseCron } from "../cron-schedule";
import * as access from "./access";
import { COMMANDS, type IdempotentCommands } from "../idempotent-commands";
import type { JobRegistry } from "../job-registry";
import type { ScheduleStore } from "../schedule-store";
import { putScheduleBodySchema, scheduleDocumentSchema, scheduleIdSchema } from "./documents";
import { badField, invalidParams, notFound, unknownJob } from "./problems";

export interface SchedulesRoutesDeps {
  readonly registry: JobRegistry;
  readonly schedules: ScheduleStore;
  readonly commands: IdempotentCommands;
}

const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };
const idParams = z.strictObject({ id: scheduleIdSchema });
const tags = ["schedules"];

export function registerSchedulesRoutes(app: App, { registry, schedules, commands }: SchedulesRoutesDeps): void {
  const missing = (reply: Parameters<typeof notFound>[0], id: string) => notFound(reply, "schedule_not_found", `no schedule ${id}; GET /v1/schedules lists them`);

  app.get("/v1/schedules", { schema: { tags, summary: "Every schedule, with its next tick.", response: { 200: z.object({ schedules: z.array(scheduleDocumentSchema) }) } } }, async () => ({
    schedules: await schedules.list(),
  }));

  app.get("/v1/schedules/:id", { schema: { tags, summary: "One schedule.", params: idParams, response: { 200: scheduleDocumentSchema, ...errors } } }, async (request, reply) => {
    return (await schedules.get(request.params.id)) ?? missing(reply, request.params.id);
  });

  // Changes: each needs an actor (request.actor); a retry with the same invocation id changes the schedule once.
  actorRoutes(app, (writes) => {
    writes.put(
      "/v1/schedules/:id",
      {
        config: { authorisation: access.putSchedule(schedules) },
        schema: {
          tags,
          summary: "Create or replace a schedule: run a job with fixed parameters at every tick of a cron expression, in a time zone. A tick fires once across all agents.",
          description:
            "Checked by the service beyond the schema: `jobId` names a job this agent runs (400 unknown_job), `params` satisfy its parameter schema (400 invalid_params), `cron` parses (400 invalid_cron), `timezone` is an IANA time zone (400 invalid_timezone).",
          security: ACTOR_REQUIRED,
          params: idParams,
          body: putScheduleBodySchema,
          response: { 200: scheduleDocumentSchema, 201: scheduleDocumentSchema, ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const job = registry.get(body.jobId);
        if (!job) return unknownJob(reply, body.jobId, "body");
        const params = registry.parseParams(job, body.params);
        if (!params.ok) return invalidParams(reply, job.id, params.issues);
        const cron = parseCron(body.cron, body.timezone);
        if (!cron.ok) return badField(reply, cron.field === "cron" ? "invalid_cron" : "invalid_timezone", cron.field, cron.problem);
        const input = { id: request.params.id, jobId: job.id, params: params.params, cron: cron.schedule, enabled: body.enabled, source: "api", updatedBy: request.actor.actor } as const;
        const { outcome } = await commands.run(COMMANDS.putSchedule, { id: request.params.id, body }, (tx) => schedules.put(input, {}, tx));
        return reply.code(outcome.created ? 201 : 200).send(outcome.document);
      },
    );

    writes.delete("/v1/schedules/:id", { config: { authorisation: access.deleteSchedule(schedules) }, schema: { tags, summary: "Delete a schedule (a schedule declared in code comes back when an agent starts).", security: ACTOR_REQUIRED, params: idParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      const { outcome } = await commands.run(COMMANDS.deleteSchedule, { id: request.params.id }, async (tx) => ({ removed: await schedules.remove(request.params.id, tx) }));
      if (!outcome.removed) return missing(reply, request.params.id);
      return reply.code(204).send(null);
    });
  });
}
