/** The platform's own jobs and schedules: what the `worker` image (apps/worker/main.ts) runs. */
import type pg from "pg";
import type { CodeSchedule, JobDefinition } from "../runtime/index";
import { noopJob } from "./noop";
import { pruneHistoryJob } from "./prune-history";

export function platformJobs(pool: pg.Pool): JobDefinition[] {
  return [noopJob, pruneHistoryJob(pool)];
}

export const platformSchedules: CodeSchedule[] = [{ id: "prune-history-nightly", jobId: "platform.prune-history", cron: "30 3 * * *", timezone: "UTC", params: { olderThanDays: 30 } }];
