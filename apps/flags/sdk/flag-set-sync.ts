/**
 * Keeps a FlagSetReplica current. Changes arrive on the Redis channel with their documents and are
 * applied at once, with no request back to the service. The whole set is loaded at start, after a
 * gap in versions, after a Redis reconnect (pushes may have been missed), and every
 * `pollIntervalMs` as a safety net (cheap: the service answers 304 when nothing changed). When the
 * service or Redis is down the replica keeps the last known set and the sync says it is stale; it
 * retries every `retryMs` and catches up by itself.
 */
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { createRedis } from "../../kit/index";
import { FLAG_CHANGES_CHANNEL, parseChange } from "../change-feed";
import type { FlagSet } from "../model/definition";
import type { FlagSetReplica } from "./flag-set-replica";

/** A full set, or "unchanged" when the source still holds `currentVersion`. */
export type FlagSetLoader = (currentVersion: number | undefined) => Promise<FlagSet | "unchanged">;

export interface FlagSetSyncOptions {
  readonly replica: FlagSetReplica;
  readonly load: FlagSetLoader;
  /** Pushed changes; without it the set is only polled. */
  readonly redisUrl?: string;
  /** PEM file of the Redis server's CA, for rediss:// URLs (REDIS_TLS_CA_FILE). */
  readonly redisTlsCaFile?: string | undefined;
  readonly pollIntervalMs: number;
  readonly retryMs: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly connectionName: string;
}

export interface FlagSetChange {
  readonly version: number;
  /** Flags whose documents changed (all of them after a full load). */
  readonly flags: readonly string[];
  /** Milliseconds from the commit to this process applying it (pushed changes only). */
  readonly latencyMs?: number;
}

export interface FlagSetSyncEvents {
  change: [change: FlagSetChange];
  stale: [stale: boolean];
}

export class FlagSetSync extends EventEmitter<FlagSetSyncEvents> {
  private readonly subscriber?: Redis;
  private subscribed = false;
  private loadFailed = false;
  /** True until the source has answered once (the set may come from a bootstrap or cache file). */
  private unconfirmed = true;
  /** The newest version pushed while a load was running: the loaded set may predate it. */
  private pushedDuringLoad = 0;
  private loading?: Promise<void>;
  private loadAgain = false;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private wasStale = false;

  constructor(private readonly options: FlagSetSyncOptions) {
    super();
    if (options.redisUrl) {
      const subscriber = createRedis(options.redisUrl, { timeoutMs: options.timeoutMs, logger: options.logger, connectionName: options.connectionName, tlsCaFile: options.redisTlsCaFile });
      this.subscriber = subscriber;
      subscriber.on("ready", () => {
        subscriber.subscribe(FLAG_CHANGES_CHANNEL).then(
          () => {
            this.subscribed = true;
            // Pushes sent before this subscription (or while disconnected) are lost: load the whole set.
            this.reload().catch(() => undefined);
            this.checkStale();
          },
          (error: unknown) => options.logger.warn({ err: error }, "flags: could not subscribe to changes; retrying on reconnect"),
        );
      });
      subscriber.on("close", () => {
        this.subscribed = false;
        this.checkStale();
      });
      subscriber.on("message", (_channel: string, raw: string) => this.onMessage(raw));
    }
  }

  /** Loads the set once (retrying in the background on failure) and starts polling. */
  start(): Promise<void> {
    const first = this.reload();
    this.schedule();
    return first;
  }

  /** Stale: the source has not confirmed this set, the last load failed, or pushes cannot arrive. */
  get stale(): boolean {
    return this.unconfirmed || this.loadFailed || (this.subscriber !== undefined && !this.subscribed);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.removeAllListeners();
    if (this.subscriber) await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
  }

  private onMessage(raw: string): void {
    const change = parseChange(raw);
    if (!change) return;
    if (this.loading) this.pushedDuringLoad = Math.max(this.pushedDuringLoad, change.version);
    const result = this.options.replica.apply(change);
    if (result === "applied") {
      const flags = change.kind === "flag" ? [change.key] : this.options.replica.flagsUsingSegment(change.key);
      this.emit("change", { version: change.version, flags, latencyMs: Date.now() - Date.parse(change.at) });
    } else if (result === "gap") {
      this.reload().catch(() => undefined); // a failed load retries by itself
    }
  }

  /** One load at a time; asking again while one runs loads once more after it. */
  private reload(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = this.loadUntilCurrent().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadUntilCurrent(): Promise<void> {
    const { replica, load, logger } = this.options;
    do {
      this.loadAgain = false;
      this.pushedDuringLoad = 0;
      try {
        const result = await load(this.unconfirmed ? undefined : replica.version);
        if (result !== "unchanged") {
          replica.load(result);
          this.emit("change", { version: result.version, flags: result.flags.map((flag) => flag.key) });
        }
        if (this.loadFailed) logger.info({ version: replica.version }, "flags: the flags service answers again; flag set current");
        this.loadFailed = false;
        this.unconfirmed = false;
      } catch (error) {
        if (!this.loadFailed) logger.warn({ err: error, version: replica.version }, "flags: loading the flag set failed; evaluating from the last known set, retrying");
        this.loadFailed = true;
        this.checkStale();
        this.schedule(this.options.retryMs);
        throw error;
      }
      // A push newer than the loaded set arrived meanwhile: the load may have overwritten it.
    } while (!this.closed && (this.loadAgain || this.pushedDuringLoad > (replica.version ?? 0)));
    this.checkStale();
  }

  private schedule(delayMs = this.options.pollIntervalMs): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.reload().catch(() => undefined); // failures reschedule themselves
      this.schedule();
    }, delayMs);
    this.timer.unref();
  }

  private checkStale(): void {
    const stale = this.stale;
    if (stale !== this.wasStale) {
      this.wasStale = stale;
      this.emit("stale", stale);
    }
  }
}
