/**
 * Records ended attempts in batches: every attempt that ends while a batch is being written joins
 * the next one, so an agent writes one statement (plus one for stored log lines, when there are
 * any) per batch instead of per run, and adds no wait when it is idle (attempts ending in the same
 * turn of the event loop go together). Each caller still learns whether its own run was recorded.
 */
import type { FinishRequest, LogLine, RunQueue } from "./run-queue";

export type StoredLogLine = LogLine & { readonly runId: string; readonly attempt: number };

interface Pending {
  readonly request: FinishRequest;
  readonly logs: readonly StoredLogLine[];
  readonly settle: { resolve: (recorded: boolean) => void; reject: (error: unknown) => void };
}

/** Enough to keep one statement's arrays small; a busy agent has far fewer ended attempts at once. */
const MAX_BATCH = 200;

export class FinishBatcher {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly queue: RunQueue) {}

  /** Stores the lines, ends the attempt and moves the run on; false when the lease was lost. Rejects when Postgres failed. */
  finish(request: FinishRequest, logs: readonly StoredLogLine[]): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, logs, settle: { resolve, reject } });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.queue.appendLogs(batch.flatMap((pending) => pending.logs));
        const recorded = await this.queue.finish(batch.map((pending) => pending.request));
        for (const { request, settle } of batch) settle.resolve(recorded.has(request.lease.runId));
      } catch (error) {
        for (const { settle } of batch) settle.reject(error);
      }
    }
    this.flushing = undefined;
  }
}
