/** The platform's own jobs and schedules: what the `worker` image (apps/worker/main.ts) runs. */
import type pg from "pg";
import type { CodeSchedule, JobDefinition, WorkerAgentOptions } from "../runtime/index";
import { noopJob } from "./noop";
import { pruneHistoryJob } from "./prune-history";

export function platformJobs(pool: pg.Pool): JobDefinition[] {
  return [noopJob, pruneHistoryJob(pool)];
}

export const platformSchedules: CodeSchedule[] = [{ id: "prune-history-nightly", jobId: "platform.prune-history", cron: "30 3 * * *", timezone: "UTC", params: { olderThanDays: 30 } }];

/** The platform's worker agent as its image runs it (main.ts), and as tools/openapi documents it. */
export const platformWorker: WorkerAgentOptions = {
  name: "worker",
  description: "The platform's worker agent: platform jobs (history pruning, no-op checks) on demand and on schedule.",
  jobs: ({ pool }) => platformJobs(pool),
  schedules: platformSchedules,
};
