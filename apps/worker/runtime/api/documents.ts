/** The worker API's documents (zod: they validate responses and generate the OpenAPI document). */
import { z } from "zod";
import { jobIdSchema } from "../job-definition";
import { ATTEMPT_OUTCOMES, LOG_LEVELS, RUN_STATES, SCHEDULE_SOURCES, TRIGGER_OUTCOMES, TRIGGER_SOURCES } from "../states";

const timestamp = z.string().describe("ISO 8601 date-time");

export const contextDocumentSchema = z
  .object({
    traceId: z.string().optional(),
    invocationId: z.string().optional(),
    parentInvocationId: z.string().optional(),
    tenant: z.string().optional(),
    actor: z.object({ id: z.string(), type: z.string(), onBehalfOf: z.string().optional() }).optional(),
  })
  .describe("The invocation context of the trigger (the job's logs and spans continue its trace).");

export const runDocumentSchema = z.object({
  id: z.uuid(),
  jobId: z.string(),
  params: z.unknown(),
  state: z.enum(RUN_STATES),
  attempt: z.number().int().describe("Attempts counted so far (a hand-back at shutdown does not count)."),
  maxAttempts: z.number().int(),
  runAfter: timestamp,
  progress: z.unknown(),
  checkpoint: z.unknown(),
  result: z.unknown(),
  lastError: z.string().nullable(),
  lease: z.object({ agent: z.string(), expiresAt: timestamp }).nullable(),
  context: contextDocumentSchema,
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  updatedAt: timestamp,
});
export type RunDocument = z.infer<typeof runDocumentSchema>;

export const attemptDocumentSchema = z.object({
  number: z.number().int(),
  agent: z.string(),
  invocationId: z.string().nullable(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
  error: z.string().nullable(),
});
export type AttemptDocument = z.infer<typeof attemptDocumentSchema>;

export const triggerDocumentSchema = z.object({
  id: z.uuid(),
  source: z.enum(TRIGGER_SOURCES),
  outcome: z.enum(TRIGGER_OUTCOMES),
  scheduleId: z.string().nullable(),
  tickAt: timestamp.nullable(),
  context: contextDocumentSchema,
  createdAt: timestamp,
});
export type TriggerDocument = z.infer<typeof triggerDocumentSchema>;

export const runDetailSchema = runDocumentSchema.extend({
  attempts: z.array(attemptDocumentSchema),
  triggers: z.array(triggerDocumentSchema),
});

export const logLineDocumentSchema = z.object({
  id: z.string(),
  attempt: z.number().int(),
  at: timestamp,
  level: z.enum(LOG_LEVELS),
  msg: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type LogLineDocument = z.infer<typeof logLineDocumentSchema>;

export const triggerResponseSchema = z.object({
  runId: z.uuid(),
  triggerId: z.uuid(),
  outcome: z.enum(TRIGGER_OUTCOMES).describe("deduplicated: the same job with the same parameters was already queued and not started; this trigger joined that run."),
  run: runDocumentSchema,
});

export const jobDocumentSchema = z.object({
  id: z.string(),
  description: z.string(),
  paramsSchema: z.record(z.string(), z.unknown()).describe("JSON Schema of the parameters."),
  timeoutMs: z.number().int(),
  retry: z.object({ maxAttempts: z.number().int(), initialDelayMs: z.number().int(), factor: z.number(), maxDelayMs: z.number().int() }),
  resumable: z.boolean().describe("The job saves checkpoints: an interrupted run resumes where it stopped."),
});

export const scheduleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and -, at most 63 (e.g. nightly-prune)");

export const putScheduleBodySchema = z.strictObject({
  jobId: jobIdSchema,
  cron: z.string().min(1).max(200).describe('Five fields "minute hour day month weekday", or six with seconds first.'),
  timezone: z.string().min(1).max(64).default("UTC").describe("IANA time zone the cron expression is read in."),
  params: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
});
export type PutScheduleBody = z.infer<typeof putScheduleBodySchema>;

export const scheduleDocumentSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  params: z.unknown(),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  source: z.enum(SCHEDULE_SOURCES),
  nextTickAt: timestamp,
  updatedAt: timestamp,
  updatedBy: z.string(),
});
export type ScheduleDocument = z.infer<typeof scheduleDocumentSchema>;

export const queueDocumentSchema = z.object({
  jobs: z.array(z.object({ jobId: z.string(), queued: z.number().int(), retrying: z.number().int(), running: z.number().int(), due: z.number().int() })),
  backlog: z.number().int().describe("Runs due or running, over all jobs: what the agents are scaled on."),
});

export const iso = (date: Date | string | null): string | null => (date === null ? null : new Date(date).toISOString());
