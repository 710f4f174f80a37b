/**
 * The discovery client SDK. Lookups come from an in-process near-cache; discovery pushes changes
 * through Redis pub/sub. A push that carries the next revision's document updates the entry at once;
 * any other push (no document, a revision gap, a malformed or oversize message) invalidates the
 * entry and refreshes it eagerly from discovery. When discovery or
 * Redis fails the last known value is served (stale-if-error) and the client recovers by itself:
 * failed refreshes are retried after `retryMs`, and a Redis reconnect refreshes every entry, since
 * pushes may have been missed. Overrides (a developer's laptop) are applied at resolve time.
 * `resolveCached` answers synchronously from a fresh cache entry; `resolve` uses it first.
 */
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type HttpClient, createHttpClient, createRedis, currentContext, log, rethrow } from "../../kit/index";
import { type ChangeMessage, followChanges } from "../change-feed";
import type { Override, ServiceDocument } from "../service-document";
import { selectOverride } from "./override-selection";

export interface DiscoveryClientOptions {
  /** Discovery's base URL, e.g. http://discovery.platform:8080. */
  readonly url: string;
  readonly redisUrl: string;
  /** PEM file of the Redis server's CA, for rediss:// URLs (the app's REDIS_TLS_CA_FILE). */
  readonly redisTlsCaFile?: string | undefined;
  /** This client's environment: overrides scoped to it apply to every call it makes. */
  readonly environment?: string;
  /** Entries are refetched after this long even without a push (default 30 s). */
  readonly ttlMs?: number;
  /** Each call to discovery gives up after this long (default 1 s). */
  readonly timeoutMs?: number;
  /** After a failed refresh, the stale value is served this long before discovery is asked again (default 1 s). */
  readonly retryMs?: number;
  readonly logger?: Logger;
}

export interface Resolution {
  readonly name: string;
  /** Where to send this call: the override's target, or the next registered endpoint (round robin). */
  readonly url: string;
  readonly endpoints: readonly string[];
  readonly settings: Readonly<Record<string, unknown>>;
  readonly version: string;
  readonly revision: number;
  readonly via: "registry" | "override";
  readonly override?: Override;
  /** True when discovery could not be reached and this is the last known value. */
  readonly stale: boolean;
}

export class ServiceNotRegistered extends Error {
  constructor(readonly service: string) {
    super(`service ${service} is not registered in discovery`);
    this.name = "ServiceNotRegistered";
  }
}

export class DiscoveryUnavailable extends Error {
  constructor(service: string, cause: unknown) {
    super(`discovery could not be reached for ${service}, and nothing is cached: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "DiscoveryUnavailable";
  }
}

interface Entry {
  document: ServiceDocument | undefined;
  /** The registry resolution for each endpoint, built once per document: a cached resolve allocates nothing. */
  readonly viaRegistry: readonly Resolution[];
  fetchedAt: number;
  /** True until ttlMs after fetchedAt: a timer clears it, so a cached resolve reads no clock (Date.now() costs more than the rest). */
  withinTtl: boolean;
  readonly expiry: NodeJS.Timeout;
  /** False once a push said it changed, until refetched. */
  valid: boolean;
  /** When the last refresh failed; undefined once one succeeds. */
  failedAt?: number;
  nextEndpoint: number;
}

export interface DiscoveryClientEvents {
  /** A cached service changed (document undefined: deregistered). */
  change: [name: string, document: ServiceDocument | undefined];
}

export class DiscoveryClient extends EventEmitter<DiscoveryClientEvents> {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshing = new Map<string, Promise<Entry>>();
  private readonly http: HttpClient;
  private readonly subscriber: Redis;
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: DiscoveryClientOptions) {
    super();
    this.ttlMs = options.ttlMs ?? 30_000;
    this.retryMs = options.retryMs ?? 1000;
    this.logger = options.logger ?? log();
    const timeoutMs = options.timeoutMs ?? 1000;
    this.http = createHttpClient({ name: "discovery", timeoutMs, failureThreshold: 3, halfOpenAfterMs: this.retryMs });
    this.subscriber = createRedis(options.redisUrl, { timeoutMs, logger: this.logger, connectionName: "discovery-sdk", tlsCaFile: options.redisTlsCaFile });
    followChanges(this.subscriber, {
      onChange: (change) => this.apply(change),
      onMissed: () => {
        for (const name of this.entries.keys()) this.invalidate(name);
      },
      logger: this.logger,
    });
  }

  /** Where to call `name` now; `routingKey` defaults to the current invocation context's. */
  async resolve(name: string, scope?: { routingKey?: string }): Promise<Resolution> {
    return this.resolveCached(name, scope) ?? this.resolution(name, await this.entry(name), scope);
  }

  /**
   * What `resolve` would answer, synchronously, when the cache holds a fresh registration of `name`
   * (fetched or pushed within the TTL, discovery reachable); undefined otherwise (not cached yet,
   * expired, invalidated by a push, discovery unreachable, or not registered): then await `resolve`.
   * Without an override it allocates nothing.
   */
  resolveCached(name: string, scope?: { routingKey?: string }): Resolution | undefined {
    const entry = this.entries.get(name);
    if (!entry?.withinTtl || !entry.valid || entry.failedAt !== undefined || !entry.document) return undefined;
    return this.resolution(name, entry, scope);
  }

  private resolution(name: string, entry: Entry, scope: { routingKey?: string } | undefined): Resolution {
    const document = entry.document;
    if (!document) throw new ServiceNotRegistered(name);
    const stale = entry.failedAt !== undefined || !entry.valid;
    const override = document.overrides.length > 0 ? selectOverride(document.overrides, { routingKey: scope?.routingKey ?? currentContext()?.routingKey, environment: this.options.environment }) : undefined;
    if (override) return { ...registryResolution(name, document, override.target, stale), via: "override", override };
    const viaRegistry = entry.viaRegistry[entry.nextEndpoint++ % entry.viaRegistry.length]!;
    return stale ? { ...viaRegistry, stale } : viaRegistry;
  }

  /** The cached registration of `name` (undefined when not registered). */
  async service(name: string): Promise<ServiceDocument | undefined> {
    return (await this.entry(name)).document;
  }

  /** Every registered service, straight from discovery (not cached). */
  async list(): Promise<ServiceDocument[]> {
    const response = await this.http.request<{ services: ServiceDocument[] }>(new URL("/v1/services", this.options.url), {}, rethrow);
    if (response.status !== 200) throw new Error(`discovery answered ${response.status} listing services`);
    return response.body.services;
  }

  async close(): Promise<void> {
    this.removeAllListeners();
    for (const entry of this.entries.values()) clearTimeout(entry.expiry);
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private entry(name: string): Promise<Entry> | Entry {
    const entry = this.entries.get(name);
    const now = Date.now();
    if (entry) {
      if (entry.failedAt !== undefined ? now - entry.failedAt < this.retryMs : entry.valid && now - entry.fetchedAt < this.ttlMs) return entry;
    }
    return this.refresh(name);
  }

  /**
   * A pushed change to a service we hold: the next revision (its document, or its deletion) is
   * taken as is; a revision we already hold is ignored; anything else means a missed or crossed
   * message, so discovery is asked.
   */
  private apply(change: ChangeMessage): void {
    const entry = this.entries.get(change.service);
    if (!entry) return;
    const held = entry.document?.revision;
    const next = held === undefined ? 1 : held + 1;
    if (change.revision === next && (change.deleted || change.document)) {
      this.store(change.service, change.document, entry);
    } else if (change.revision !== held || change.deleted) {
      this.invalidate(change.service);
    }
  }

  private invalidate(name: string): void {
    const entry = this.entries.get(name);
    if (entry) entry.valid = false;
    // Refresh eagerly, so the next resolve does not wait (and listeners hear of the change). A
    // refresh already under way may have read the registry before this change: ask again after it.
    const pending = this.refreshing.get(name);
    const again = () => this.refresh(name).catch(() => undefined);
    if (pending) void pending.then(again, again);
    else void again();
  }

  private refresh(name: string): Promise<Entry> {
    let pending = this.refreshing.get(name);
    if (pending) return pending;
    pending = this.fetch(name).finally(() => this.refreshing.delete(name));
    this.refreshing.set(name, pending);
    return pending;
  }

  /** Caches what discovery said about `name` (undefined: not registered) and tells listeners if it changed. */
  private store(name: string, document: ServiceDocument | undefined, previous: Entry | undefined): Entry {
    const viaRegistry = document ? document.endpoints.map((url) => registryResolution(name, document, url, false)) : [];
    if (previous) clearTimeout(previous.expiry);
    const expiry = setTimeout(() => (entry.withinTtl = false), this.ttlMs).unref();
    const entry: Entry = { document, viaRegistry, fetchedAt: Date.now(), withinTtl: true, expiry, valid: true, nextEndpoint: previous?.nextEndpoint ?? 0 };
    this.entries.set(name, entry);
    if (previous && previous.document?.revision !== document?.revision) this.emit("change", name, document);
    if (previous?.failedAt !== undefined) this.logger.info({ service: name }, "discovery SDK cache fresh again after discovery was unreachable");
    return entry;
  }

  private async fetch(name: string): Promise<Entry> {
    const previous = this.entries.get(name);
    try {
      const response = await this.http.request<ServiceDocument>(new URL(`/v1/services/${encodeURIComponent(name)}`, this.options.url), {}, rethrow);
      if (response.status !== 200 && response.status !== 404) throw new Error(`discovery answered ${response.status} for ${name}`);
      const document = response.status === 200 ? response.body : undefined;
      // A push applied while this request was under way is newer than what it read.
      const current = this.entries.get(name);
      if (current && current !== previous && current.valid && (current.document?.revision ?? 0) > (document?.revision ?? 0)) return current;
      return this.store(name, document, current);
    } catch (error) {
      if (!previous) throw new DiscoveryUnavailable(name, error);
      if (previous.failedAt === undefined) this.logger.warn({ err: error, service: name }, "discovery unreachable; serving the last known value");
      previous.failedAt = Date.now();
      return previous;
    }
  }
}

function registryResolution(name: string, document: ServiceDocument, url: string, stale: boolean): Resolution {
  return { name, url, endpoints: document.endpoints, settings: document.settings, version: document.version, revision: document.revision, via: "registry", stale };
}
