/**
 * The agent's Prometheus metrics. The queue gauges are read from Postgres at scrape time; every
 * agent reports the same (global) values, so aggregate them with max(), not sum().
 * armature_worker_backlog is the scaling signal: runs due or running, over all jobs.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Logger } from "pino";
import type { RunQueue } from "./run-queue";

export interface WorkerMetrics {
  readonly attempts: Counter<"job_id" | "outcome">;
  readonly duration: Histogram<"job_id" | "outcome">;
  /** From the moment a run could start (its run_after) to an agent claiming it. */
  readonly startDelay: Histogram<"job_id">;
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    attempts: new Counter({ name: "armature_worker_attempts_total", help: "Attempts this agent finished, by job and outcome.", labelNames: ["job_id", "outcome"] as const, registers: [registry] }),
    duration: new Histogram({
      name: "armature_worker_attempt_duration_seconds",
      help: "How long attempts ran on this agent, by job and outcome.",
      labelNames: ["job_id", "outcome"] as const,
      buckets: [0.005, 0.05, 0.25, 1, 2.5, 5, 10, 20, 30, 60, 300, 1800],
      registers: [registry],
    }),
    startDelay: new Histogram({
      name: "armature_worker_start_delay_seconds",
      help: "From when a run could start to when this agent claimed it.",
      labelNames: ["job_id"] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    }),
  };
}

export function registerQueueGauges(registry: Registry, queue: RunQueue, options: { running: () => number; concurrency: number; logger: Logger }): void {
  // One query per scrape feeds both queue gauges (they share it); a failure keeps the last values.
  let reading: Promise<void> | undefined;
  const read = (): Promise<void> =>
    (reading ??= queue
      .depth()
      .then((depth) => {
        runs.reset();
        for (const row of depth) runs.set({ job_id: row.jobId, state: row.state }, row.count);
        backlog.set(depth.reduce((sum, row) => sum + row.due, 0));
      })
      .catch((error: unknown) => void options.logger.warn({ err: error }, "could not read the queue depth for metrics"))
      .finally(() => (reading = undefined)));
  const runs = new Gauge({ name: "armature_worker_runs", help: "Runs queued, retrying and running, by job (the same on every agent).", labelNames: ["job_id", "state"] as const, registers: [registry], collect: read });
  const backlog = new Gauge({ name: "armature_worker_backlog", help: "Runs due or running over all jobs (the same on every agent): scale agents on max() of this.", registers: [registry], collect: read });
  new Gauge({ name: "armature_worker_running_jobs", help: "Attempts running on this agent.", registers: [registry], collect() { this.set(options.running()); } });
  new Gauge({ name: "armature_worker_concurrency", help: "How many attempts this agent runs at once.", registers: [registry] }).set(options.concurrency);
}
