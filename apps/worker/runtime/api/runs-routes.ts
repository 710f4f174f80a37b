/** Runs: history and status, attempts, triggers, logs; redriving dead runs and cancelling waiting ones. */
import { z } from "zod";
import { ACTOR_REQUIRED, type App, actorRoutes, problemSchema } from "../../../kit/index";
import { jobIdSchema } from "../job-definition";
import * as access from "./access";
import type { RunHistory } from "../run-history";
import type { RunQueue } from "../run-queue";
import { RUN_STATES } from "../states";
import { logLineDocumentSchema, runDetailSchema, runDocumentSchema, triggerResponseSchema } from "./documents";
import { changeContext, conflict, notFound } from "./problems";

export interface RunsRoutesDeps {
  readonly queue: RunQueue;
  readonly history: RunHistory;
}

const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema, 409: problemSchema };
const runParams = z.strictObject({ runId: z.uuid() });
const tags = ["runs"];

export function registerRunsRoutes(app: App, { queue, history }: RunsRoutesDeps): void {
  const missing = (reply: Parameters<typeof notFound>[0], runId: string) => notFound(reply, "run_not_found", `no run ${runId}; GET /v1/runs lists them`);

  app.get(
    "/v1/runs",
    {
      schema: {
        tags,
        summary: "Run history, newest first.",
        querystring: z.strictObject({
          jobId: jobIdSchema.optional(),
          state: z.enum(RUN_STATES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.uuid().optional().describe("The last run id of the previous page."),
        }),
        response: { 200: z.object({ runs: z.array(runDocumentSchema) }), ...errors },
      },
    },
    async (request) => ({ runs: await history.list(request.query) }),
  );

  app.get("/v1/runs/:runId", { schema: { tags, summary: "A run's status, progress and result, with every attempt and trigger.", params: runParams, response: { 200: runDetailSchema, ...errors } } }, async (request, reply) => {
    const run = await history.get(request.params.runId);
    if (!run) return missing(reply, request.params.runId);
    const [attempts, triggers] = await Promise.all([history.attempts(run.id), history.triggers(run.id)]);
    return { ...run, attempts, triggers };
  });

  app.get(
    "/v1/runs/:runId/logs",
    {
      schema: {
        tags,
        summary: "What the run's attempts logged at info and above (the agents' own logs hold everything, under each attempt's invocation id).",
        params: runParams,
        querystring: z.strictObject({ after: z.string().regex(/^\d{1,18}$/).optional().describe("The last line id already read."), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
        response: { 200: z.object({ lines: z.array(logLineDocumentSchema) }), ...errors },
      },
    },
    async (request, reply) => {
      if (!(await history.get(request.params.runId))) return missing(reply, request.params.runId);
      return { lines: await history.logs(request.params.runId, request.query) };
    },
  );

  // Changes: each needs an actor (request.actor).
  actorRoutes(app, (writes) => {
    writes.post(
      "/v1/runs/:runId/retry",
      { config: { authorisation: access.changeRun(history) }, schema: { tags, summary: "Redrive a dead (or cancelled) run: it gets a fresh set of attempts and keeps its checkpoint.", security: ACTOR_REQUIRED, params: runParams, response: { 202: triggerResponseSchema, ...errors } } },
      async (request, reply) => {
        const redriven = await queue.redrive(request.params.runId, changeContext());
        const run = await history.get(request.params.runId);
        if (!run) return missing(reply, request.params.runId);
        if (!redriven) return conflict(reply, "run_not_dead", `run ${run.id} is ${run.state}; only dead or cancelled runs can be retried`);
        return reply.code(202).send({ ...redriven, run });
      },
    );

    writes.post("/v1/runs/:runId/cancel", { config: { authorisation: access.changeRun(history) }, schema: { tags, summary: "Cancel a run that has not started (queued, or waiting to retry).", security: ACTOR_REQUIRED, params: runParams, response: { 200: runDocumentSchema, ...errors } } }, async (request, reply) => {
      const cancelled = await queue.cancel(request.params.runId, `cancelled by ${request.actor.actor}`);
      const run = await history.get(request.params.runId);
      if (!run) return missing(reply, request.params.runId);
      if (!cancelled) return conflict(reply, "run_not_waiting", `run ${run.id} is ${run.state}; only queued or retrying runs can be cancelled`);
      return run;
    });
  });
}
