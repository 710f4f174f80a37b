/** Jobs and triggers: what this agent runs, and running one on demand. */
import { z } from "zod";
import { ACTOR_REQUIRED, type App, actorRoutes, problemSchema } from "../../../kit/index";
import { jobIdSchema } from "../job-definition";
import * as access from "./access";
import { COMMANDS, type IdempotentCommands } from "../idempotent-commands";
import type { JobRegistry } from "../job-registry";
import type { RunHistory } from "../run-history";
import type { RunQueue } from "../run-queue";
import { jobDocumentSchema, queueDocumentSchema, triggerResponseSchema } from "./documents";
import { changeContext, invalidParams, unknownJob } from "./problems";

export interface JobsRoutesDeps {
  readonly registry: JobRegistry;
  readonly queue: RunQueue;
  readonly history: RunHistory;
  readonly commands: IdempotentCommands;
}

const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };
const jobParams = z.strictObject({ jobId: jobIdSchema });

export function registerJobsRoutes(app: App, { registry, queue, history, commands }: JobsRoutesDeps): void {
  app.get("/v1/jobs", { schema: { tags: ["jobs"], summary: "The jobs this agent runs, with their parameter schemas, timeouts and retry policies.", response: { 200: z.object({ jobs: z.array(jobDocumentSchema) }) } } }, () => ({
    jobs: registry.ids.map((id) => registry.describe(registry.get(id)!)),
  }));

  app.get("/v1/jobs/:jobId", { schema: { tags: ["jobs"], summary: "One job.", params: jobParams, response: { 200: jobDocumentSchema, ...errors } } }, async (request, reply) => {
    const job = registry.get(request.params.jobId);
    return job ? registry.describe(job) : unknownJob(reply, request.params.jobId);
  });

  // A trigger is a change: it needs an actor (request.actor), and a retry with the same invocation id enqueues once.
  actorRoutes(app, (writes) => {
    writes.post(
      "/v1/jobs/:jobId/runs",
      {
        config: { authorisation: access.triggerJob },
        schema: {
          tags: ["jobs"],
          summary: "Trigger a run. If the same job with the same parameters is queued and not started yet, the trigger joins that run (deduplicated).",
          description: "`params` must satisfy the job's own parameter schema (GET /v1/jobs/{jobId} shows it): checked by the service, 400 invalid_params.",
          security: ACTOR_REQUIRED,
          params: jobParams,
          body: z.strictObject({ params: z.record(z.string(), z.unknown()).default({}).describe("Checked against the job's parameter schema.") }),
          response: { 202: triggerResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const job = registry.get(request.params.jobId);
        if (!job) return unknownJob(reply, request.params.jobId);
        const parsed = registry.parseParams(job, request.body.params);
        if (!parsed.ok) return invalidParams(reply, job.id, parsed.issues);
        const context = changeContext();
        const { outcome: result } = await commands.run(COMMANDS.triggerRun, { jobId: job.id, params: parsed.params }, (tx) =>
          queue.enqueue({ jobId: job.id, params: parsed.params, maxAttempts: job.retry.maxAttempts, context, source: "api" }, tx),
        );
        const run = (await history.get(result.runId))!;
        return reply.code(202).header("location", `/v1/runs/${result.runId}`).send({ ...result, run });
      },
    );
  });

  app.get("/v1/queue", { schema: { tags: ["jobs"], summary: "Runs waiting and running, per job: what the agents are scaled on.", response: { 200: queueDocumentSchema } } }, async () => {
    const perJob = new Map<string, { jobId: string; queued: number; retrying: number; running: number; due: number }>();
    for (const row of await queue.depth()) {
      const entry = perJob.get(row.jobId) ?? { jobId: row.jobId, queued: 0, retrying: 0, running: 0, due: 0 };
      entry[row.state] = row.count;
      entry.due += row.due;
      perJob.set(row.jobId, entry);
    }
    const jobs = [...perJob.values()];
    return { jobs, backlog: jobs.reduce((sum, job) => sum + job.due, 0) };
  });
}
