/**
 * A service's worker agent = its jobs + this runtime, on the kit: the claim loop, the scheduler,
 * wake-up notifications, the HTTP API (OpenAPI at /openapi.json), metrics, health, and the
 * spot-friendly shutdown. A product team writes:
 *
 *   // apps/orders-worker/main.ts
 *   void runWorkerAgent({
 *     name: "orders-worker",
 *     jobs: ({ kit }) => [sendInvoices(kit.http({ name: "billing", timeoutMs: 2000 }))],
 *     schedules: [{ id: "invoices-nightly", jobId: "billing.send-invoices", cron: "0 2 * * *", timezone: "Europe/Paris" }],
 *   });
 */
import { hostname } from "node:os";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";
import { Kysely, PostgresDialect } from "kysely";
import type pg from "pg";
import type { DestinationStream } from "pino";
import type { z } from "zod";
import { type KitConfig, type Service, type ServiceKit, type ServiceOptions, createService, runService } from "../../kit/index";
import { ClaimLoop } from "./claim-loop";
import { registerJobsRoutes } from "./api/jobs-routes";
import { registerRunsRoutes } from "./api/runs-routes";
import { registerSchedulesRoutes } from "./api/schedules-routes";
import { type WorkerConfig, checkWorkerConfig, workerConfigSchema } from "./config";
import { parseCron } from "./cron-schedule";
import type { DB } from "../../../migrations/worker/schema.generated";
import type { JobDefinition } from "./job-definition";
import { FinishBatcher } from "./finish-batcher";
import { IdempotentCommands } from "./idempotent-commands";
import { JobDefinitionError } from "./job-errors";
import { JobRegistry, describeIssues } from "./job-registry";
import { createWorkerMetrics, registerQueueGauges } from "./metrics";
import { RunHistory } from "./run-history";
import { RunQueue } from "./run-queue";
import { type ScheduleInput, ScheduleStore } from "./schedule-store";
import { Scheduler } from "./scheduler";
import { Wakeups } from "./wakeups";

export type WorkerKit<S extends z.ZodObject> = ServiceKit<KitConfig & WorkerConfig & z.infer<S>>;

/** A schedule declared in code: written to the schedules table when an agent starts. */
export interface CodeSchedule {
  readonly id: string;
  readonly jobId: string;
  readonly cron: string;
  /** IANA time zone; default UTC. */
  readonly timezone?: string;
  readonly params?: Record<string, unknown>;
}

export interface WorkerAgentOptions<S extends z.ZodObject = z.ZodObject<Record<never, never>>> {
  /** The agent's service name, e.g. "orders-worker". */
  readonly name: string;
  readonly description?: string;
  /** The service's own environment keys, merged with the worker's and the kit's. */
  readonly config?: S;
  /** The service's jobs; `pool` is the worker database's pool, `kit` gives clients (HTTP, Redis...) and config. */
  jobs(tools: { kit: WorkerKit<S>; pool: pg.Pool }): readonly JobDefinition[];
  readonly schedules?: readonly CodeSchedule[];
  /** Tests: the environment, where log lines go, and a span exporter. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logDestination?: DestinationStream;
  readonly spanExporter?: SpanExporter;
}

/** The parts of a running agent that tests and tools reach for. */
export interface WorkerAgent {
  readonly claimLoop: ClaimLoop;
  readonly registry: JobRegistry;
  readonly queue: RunQueue;
  readonly history: RunHistory;
  readonly schedules: ScheduleStore;
}

function codeScheduleInput(schedule: CodeSchedule, registry: JobRegistry): ScheduleInput {
  const job = registry.get(schedule.jobId);
  if (!job) throw new JobDefinitionError(schedule.jobId, `schedule ${schedule.id} names this job, which is not registered`);
  const params = registry.parseParams(job, schedule.params ?? {});
  if (!params.ok) throw new JobDefinitionError(job.id, `schedule ${schedule.id}: ${describeIssues(params.issues)}`);
  const cron = parseCron(schedule.cron, schedule.timezone ?? "UTC");
  if (!cron.ok) throw new JobDefinitionError(job.id, `schedule ${schedule.id}: ${cron.problem}`);
  return { id: schedule.id, jobId: job.id, params: params.params, cron: cron.schedule, enabled: true, source: "code", updatedBy: "code" };
}

function setupWorkerAgent<S extends z.ZodObject>(kit: WorkerKit<S>, options: WorkerAgentOptions<S>): WorkerAgent {
  const { config } = kit;
  checkWorkerConfig(config);
  const pool = kit.postgres(config.DATABASE_URL, { max: config.WORKER_CONCURRENCY + 5 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const registry = new JobRegistry(options.jobs({ kit, pool }));
  if (registry.ids.length === 0) throw new JobDefinitionError(options.name, "a worker agent needs at least one job");
  const codeSchedules = (options.schedules ?? []).map((schedule) => codeScheduleInput(schedule, registry));
  const queue = new RunQueue(db, pool);
  const history = new RunHistory(db);
  const schedules = new ScheduleStore(db, queue);
  const metrics = createWorkerMetrics(kit.metrics.registry);
  const claimLoop = new ClaimLoop({
    agentId: config.WORKER_AGENT_ID ?? `${hostname()}-${process.pid}`,
    queue,
    finishes: new FinishBatcher(queue),
    registry,
    invoke: (name, received, fn, invokeOptions) => kit.invoke(name, received, fn, invokeOptions),
    leaseMs: config.WORKER_LEASE_MS,
    concurrency: config.WORKER_CONCURRENCY,
    pollMs: config.WORKER_POLL_MS,
    logger: kit.logger,
    metrics,
  });
  registerQueueGauges(kit.metrics.registry, queue, { running: () => claimLoop.running, concurrency: config.WORKER_CONCURRENCY, logger: kit.logger });
  const scheduler = new Scheduler({ store: schedules, registry, invoke: (name, received, fn) => kit.invoke(name, received, fn), pollMs: config.WORKER_POLL_MS, logger: kit.logger, codeSchedules });
  const wakeups = new Wakeups(config.DATABASE_URL, kit.logger, (jobId) => claimLoop.wake(jobId), config.HEALTH_CHECK_TIMEOUT_MS);

  const commands = new IdempotentCommands(db);
  registerJobsRoutes(kit.app, { registry, queue, history, commands });
  registerRunsRoutes(kit.app, { queue, history });
  registerSchedulesRoutes(kit.app, { registry, schedules, commands });

  claimLoop.start();
  scheduler.start();
  wakeups.start();

  // SIGTERM: stop claiming at once; running jobs get SHUTDOWN_TIMEOUT_MS - WORKER_HANDBACK_MS to
  // finish, then half of WORKER_HANDBACK_MS to hand back (the rest is for closing connections).
  let drainStartedAt = Date.now();
  kit.onDrain(() => {
    drainStartedAt = Date.now();
    claimLoop.drain();
  });
  kit.onShutdown(async () => {
    await scheduler.stop();
    const finishBy = drainStartedAt + config.SHUTDOWN_TIMEOUT_MS - config.WORKER_HANDBACK_MS;
    await claimLoop.stop({ finishBy, handBackBy: finishBy + config.WORKER_HANDBACK_MS / 2 });
    await wakeups.close();
  });
  return { claimLoop, registry, queue, history, schedules };
}

function serviceOptions<S extends z.ZodObject>(options: WorkerAgentOptions<S>, started?: (worker: WorkerAgent) => void): ServiceOptions<z.ZodObject> {
  return {
    name: options.name,
    description: options.description ?? `${options.name}: runs its jobs on demand and on schedule, one agent per job and parameters at a time.`,
    config: options.config ? workerConfigSchema.extend(options.config.shape) : workerConfigSchema,
    env: options.env,
    logDestination: options.logDestination,
    spanExporter: options.spanExporter,
    setup: (kit) => {
      const worker = setupWorkerAgent(kit as WorkerKit<S>, options);
      started?.(worker);
    },
  };
}

/** The `main` of a worker agent: listen on 8080, run jobs, shut down gracefully on SIGTERM. */
export function runWorkerAgent<S extends z.ZodObject>(options: WorkerAgentOptions<S>): Promise<Service | undefined> {
  return runService(serviceOptions(options));
}

/** An agent without signal handling or listening (tests and benchmarks; `service.shutdown()` stops it). */
export async function createWorkerAgent<S extends z.ZodObject>(options: WorkerAgentOptions<S>): Promise<{ service: Service<KitConfig & WorkerConfig>; worker: WorkerAgent }> {
  let worker: WorkerAgent | undefined;
  const service = (await createService(serviceOptions(options, (started) => (worker = started)))) as Service<KitConfig & WorkerConfig>;
  return { service, worker: worker! };
}
