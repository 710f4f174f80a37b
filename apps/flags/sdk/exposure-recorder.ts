/**
 * Collects exposure events in the SDK and sends them in batches, off the evaluation path. Each
 * subject's exposure to one answer of one flag is recorded once per `dedupeWindowMs`. When sending
 * fails the batch is kept and retried; beyond `maxBuffered` the oldest are dropped (and counted),
 * so an outage never grows memory without bound.
 */
import type { Logger } from "pino";
import type { Exposure } from "../model/exposure";

export type ExposureSink = (exposures: readonly Exposure[]) => Promise<void>;

export interface ExposureRecorderOptions {
  readonly sink: ExposureSink;
  readonly flushIntervalMs?: number;
  readonly maxBatch?: number;
  readonly maxBuffered?: number;
  readonly dedupeWindowMs?: number;
  readonly logger: Logger;
}

export class ExposureRecorder {
  private buffer: Exposure[] = [];
  private readonly seen = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failing = false;
  /** Exposures dropped because the buffer was full while the sink failed. */
  dropped = 0;

  constructor(private readonly options: ExposureRecorderOptions) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Queues `exposure` unless the same subject saw the same answer recently. */
  record(dedupeKey: string, makeExposure: () => Exposure): void {
    const now = Date.now();
    const last = this.seen.get(dedupeKey);
    if (last !== undefined && now - last < (this.options.dedupeWindowMs ?? 3_600_000)) return;
    if (this.seen.size >= 100_000) this.seen.clear(); // bounded: worst case a few repeated exposures
    this.seen.set(dedupeKey, now);
    this.buffer.push(makeExposure());
    const max = this.options.maxBuffered ?? 10_000;
    if (this.buffer.length > max) {
      this.dropped += this.buffer.length - max;
      this.buffer.splice(0, this.buffer.length - max);
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Sends what is buffered, one batch at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.sendAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async sendAll(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 500;
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, maxBatch);
      try {
        await this.options.sink(batch);
      } catch (error) {
        if (!this.failing) this.options.logger.warn({ err: error, pending: this.buffer.length }, "flags: sending exposures failed; keeping them and retrying");
        this.failing = true;
        return;
      }
      this.buffer.splice(0, batch.length);
      if (this.failing) this.options.logger.info("flags: exposures are sent again");
      this.failing = false;
    }
  }
}
