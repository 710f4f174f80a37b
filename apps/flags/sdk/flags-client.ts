/**
 * The flags SDK: evaluates flags in-process from a local copy of the flag set, kept current by
 * pushed changes (see FlagSetSync). It fills the evaluation context from the kit's invocation
 * context (the user acting, the tenant as organisation), honours per-invocation toggles that force
 * a flag (`flag:<key>`), records exposures for experiment flags, and keeps evaluating from the last
 * known set (optionally persisted in `cacheFile`) while the service is down.
 */
import { EventEmitter } from "node:events";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Logger } from "pino";
import { z } from "zod";
import { log } from "../../kit/index";
import type { FlagContext } from "../engine/context";
import type { Evaluation } from "../engine/evaluation";
import type { FlagSet } from "../model/definition";
import { ExposureRecorder, type ExposureRecorderOptions, type ExposureSink } from "./exposure-recorder";
import { type FlagEvaluationDetails, FlagEvaluations } from "./flag-evaluations";
import { FlagSetReplica } from "./flag-set-replica";
import { type FlagSetChange, type FlagSetLoader, FlagSetSync } from "./flag-set-sync";

export interface FlagsClientOptions {
  /** The flags service, e.g. http://flags.platform:8080. Without it the SDK runs offline on `bootstrap` / `cacheFile`. */
  readonly url?: string;
  /** Redis for pushed changes; without it changes arrive by polling only. */
  readonly redisUrl?: string;
  /** PEM file of the Redis server's CA, for rediss:// URLs (the app's REDIS_TLS_CA_FILE). */
  readonly redisTlsCaFile?: string | undefined;
  /** Which environment's configuration of each flag applies; also the context's `environment`. */
  readonly environment: string;
  /** This service's name: the context's `appName` and the exposures' origin. */
  readonly appName?: string;
  /** A flag set to evaluate from until the service answers (or for good, offline). */
  readonly bootstrap?: FlagSet;
  /** Where the last known set is kept; read at start, so a restart during an outage still evaluates. */
  readonly cacheFile?: string;
  /** Safety-net reload, default 30 s. */
  readonly pollIntervalMs?: number;
  /** After a failed load, default 1 s. */
  readonly retryMs?: number;
  /** Per request to the service, default 2 s. */
  readonly timeoutMs?: number;
  /** Honour `flag:<key>` toggles of the invocation context (default true). */
  readonly honourToggles?: boolean;
  /** Exposure events: sent to the service (POST /v1/exposures) unless a sink is given; false: none. */
  readonly exposures?: false | (Partial<Omit<ExposureRecorderOptions, "logger" | "sink">> & { readonly sink?: ExposureSink });
  readonly logger?: Logger;
}

export class FlagsUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlagsUnavailable";
  }
}

export interface FlagsClientEvents {
  change: [change: FlagSetChange];
  stale: [stale: boolean];
}

const looseFlagSet = z.object({ version: z.number().int().min(0), flags: z.array(z.looseObject({ key: z.string() })), segments: z.array(z.looseObject({ key: z.string() })) });

export class FlagsClient extends EventEmitter<FlagsClientEvents> {
  readonly environment: string;
  private readonly replica = new FlagSetReplica();
  private readonly sync?: FlagSetSync;
  private readonly recorder?: ExposureRecorder;
  private readonly logger: Logger;
  private readonly evaluations: FlagEvaluations;
  private cacheWrite?: NodeJS.Timeout;
  private cacheWriteFailed = false;

  constructor(private readonly options: FlagsClientOptions) {
    super();
    if (!options.url && !options.bootstrap && !options.cacheFile) throw new Error("FlagsClient needs a url, a bootstrap flag set, or a cacheFile to evaluate from");
    this.environment = options.environment;
    this.logger = options.logger ?? log();
    const initial = options.bootstrap ?? (options.cacheFile ? this.readCacheFile(options.cacheFile) : undefined);
    if (initial) this.replica.load(initial);
    const sink = options.exposures === false ? undefined : (options.exposures?.sink ?? (options.url ? httpExposureSink(options.url, options.timeoutMs ?? 2000) : undefined));
    if (sink) this.recorder = new ExposureRecorder({ ...(options.exposures || {}), sink, logger: this.logger });
    this.evaluations = new FlagEvaluations({ replica: this.replica, environment: options.environment, appName: options.appName, honourToggles: options.honourToggles ?? true, recorder: this.recorder, logger: this.logger });

    if (options.url) {
      this.sync = new FlagSetSync({
        replica: this.replica,
        load: httpLoader(options.url, options.timeoutMs ?? 2000),
        redisUrl: options.redisUrl,
        redisTlsCaFile: options.redisTlsCaFile,
        pollIntervalMs: options.pollIntervalMs ?? 30_000,
        retryMs: options.retryMs ?? 1000,
        timeoutMs: options.timeoutMs ?? 2000,
        logger: this.logger,
        connectionName: `flags-sdk${options.appName ? `-${options.appName}` : ""}`,
      });
      this.sync.on("change", (change) => {
        this.evaluations.reset();
        this.scheduleCacheWrite();
        this.emit("change", change);
      });
      this.sync.on("stale", (stale) => this.emit("stale", stale));
      this.sync.start().catch(() => undefined); // retried in the background; ready() reports it
    }
  }

  /** Resolves once a flag set is held (from the service, the bootstrap or the cache file). */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.replica.version !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onChange = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off("change", onChange);
        reject(new FlagsUnavailable(`no flag set within ${timeoutMs} ms: the flags service at ${this.options.url} did not answer, and there is no bootstrap or cache file`));
      }, timeoutMs);
      this.once("change", onChange);
    });
  }

  get version(): number | undefined {
    return this.replica.version;
  }

  get stale(): boolean {
    return this.sync?.stale ?? false;
  }

  isEnabled(key: string, context?: FlagContext, defaultValue = false): boolean {
    const evaluation = this.evaluations.resolve(key, context, false);
    return evaluation.reason === "ERROR" ? defaultValue : evaluation.enabled;
  }

  /** The subject's variant of a red/black flag; undefined when the flag is off or has none. */
  variant(key: string, context?: FlagContext): Evaluation["variant"] {
    return this.evaluations.resolve(key, context).variant;
  }

  evaluate(key: string, context?: FlagContext): FlagEvaluationDetails {
    return this.evaluations.details(key, context, this.stale);
  }

  /** Always-on flags in the local set: the code checking them can go, then the flags. */
  removableFlags(): string[] {
    const snapshot = this.replica.snapshot();
    return (snapshot?.flags ?? []).filter((flag) => flag.lifecycle === "always-on").map((flag) => flag.key);
  }

  /** Flushes exposures and the cache file, and stops listening. */
  async close(): Promise<void> {
    this.removeAllListeners();
    await this.sync?.close();
    await this.recorder?.close();
    if (this.cacheWrite) {
      clearTimeout(this.cacheWrite);
      this.writeCacheFile();
    }
  }

  private readCacheFile(file: string): FlagSet | undefined {
    try {
      return looseFlagSet.parse(JSON.parse(readFileSync(file, "utf8"))) as FlagSet;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") this.logger.warn({ err: error, file }, "flags: the cache file could not be read; ignoring it");
      return undefined;
    }
  }

  private scheduleCacheWrite(): void {
    if (!this.options.cacheFile || this.cacheWrite) return;
    this.cacheWrite = setTimeout(() => this.writeCacheFile(), 100);
    this.cacheWrite.unref();
  }

  private writeCacheFile(): void {
    this.cacheWrite = undefined;
    const file = this.options.cacheFile;
    const snapshot = this.replica.snapshot();
    if (!file || !snapshot) return;
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
      renameSync(`${file}.tmp`, file); // atomic: a crash never leaves half a file
    } catch (error) {
      if (!this.cacheWriteFailed) this.logger.warn({ err: error, file }, "flags: could not write the cache file; evaluation goes on, but a restart during an outage will not find the last set");
      this.cacheWriteFailed = true;
    }
  }
}

function httpLoader(url: string, timeoutMs: number): FlagSetLoader {
  const endpoint = new URL("/v1/flag-set", url);
  return async (currentVersion) => {
    const response = await fetch(endpoint, {
      headers: { accept: "application/json", ...(currentVersion === undefined ? {} : { "if-none-match": `"${currentVersion}"` }) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 304) return "unchanged";
    if (response.status !== 200) throw new Error(`the flags service answered ${response.status} to GET ${endpoint.pathname}`);
    return looseFlagSet.parse(await response.json()) as FlagSet;
  };
}

function httpExposureSink(url: string, timeoutMs: number): ExposureSink {
  const endpoint = new URL("/v1/exposures", url);
  return async (exposures) => {
    const response = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ exposures }), signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.status !== 202) throw new Error(`the flags service answered ${response.status} to POST ${endpoint.pathname}`);
  };
}
