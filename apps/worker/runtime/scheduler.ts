/**
 * The scheduler every agent runs: it polls for due schedule ticks and fires each one once (see
 * ScheduleStore.fireOneDue), as its own invocation (actor "scheduler"), so the run's logs and trace
 * start at the tick. Code schedules are written to the table first (retrying until the database
 * answers).
 */
import type { Logger } from "pino";
import { type ServiceKit, currentContext, log } from "../../kit/index";
import { parseCron } from "./cron-schedule";
import { type JobRegistry, describeIssues } from "./job-registry";
import type { DueSchedule, ScheduleInput, ScheduleStore, TickPlan } from "./schedule-store";
import { Sleeper } from "./sleeper";

const RETRY_BROKEN_SCHEDULE_MS = 3_600_000;
const NEVER = new Date(8_640_000_000_000_000);

export interface SchedulerOptions {
  readonly store: ScheduleStore;
  readonly registry: JobRegistry;
  readonly invoke: ServiceKit<unknown>["invoke"];
  readonly pollMs: number;
  readonly logger: Logger;
  readonly codeSchedules: readonly ScheduleInput[];
}

export class Scheduler {
  private stopping = false;
  private unsynced: ScheduleInput[];
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.unsynced = [...options.codeSchedules];
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.wakeAll();
    await this.loop;
  }

  /** What a due tick enqueues, and when the schedule ticks next (ticks missed meanwhile collapse into this one). */
  plan(due: DueSchedule): TickPlan {
    const cron = parseCron(due.cron, due.timezone);
    if (!cron.ok) return { fire: false, reason: cron.problem, next: new Date(due.now.getTime() + RETRY_BROKEN_SCHEDULE_MS) };
    const next = cron.schedule.next(due.now) ?? NEVER;
    const job = this.options.registry.get(due.jobId);
    if (!job) return { fire: false, reason: `job ${due.jobId} is not registered in this agent`, next };
    const params = this.options.registry.parseParams(job, due.params);
    if (!params.ok) return { fire: false, reason: `its parameters no longer fit the job's schema: ${describeIssues(params.issues)}`, next };
    return { fire: true, maxAttempts: job.retry.maxAttempts, params: params.params, next };
  }

  private async run(): Promise<void> {
    const { store, registry, invoke, pollMs, logger } = this.options;
    while (!this.stopping) {
      try {
        while (this.unsynced.length > 0) {
          await store.put(this.unsynced[0]!, { keepEnabled: true });
          this.unsynced.shift();
        }
        while (!this.stopping && (await store.anyDue(registry.ids))) {
          const fired = await invoke("schedule tick", { actor: { id: "scheduler", type: "service" } }, async () => {
            const outcome = await store.fireOneDue(registry.ids, currentContext()!, (due) => this.plan(due));
            if (outcome && !outcome.plan.fire) log().error({ schedule: outcome.due.id, tickAt: outcome.due.tickAt, reason: outcome.plan.reason }, `schedule ${outcome.due.id} skipped a tick: ${outcome.plan.reason}`);
            if (outcome?.enqueued) {
              log().info({ schedule: outcome.due.id, tickAt: outcome.due.tickAt, runId: outcome.enqueued.runId, outcome: outcome.enqueued.outcome }, `schedule ${outcome.due.id} fired`);
            }
            return outcome;
          });
          if (!fired) break;
        }
      } catch (error) {
        logger.warn({ err: error }, "the scheduler could not check for due ticks; retrying");
      }
      await this.sleeper.sleep(pollMs);
    }
  }
}
