/**
 * Discovery's own read cache: lookups are served from memory, refilled from Postgres behind a
 * circuit breaker. Entries are replaced by pushed changes (from any replica), dropped when a change
 * cannot be applied, and refetched after `ttlMs` at the latest. If Postgres fails, the last known
 * document is served (the seed's "DB circuit breaker: fall back to near cache").
 *
 * Each entry keeps its response body ready (the document with its live overrides, checked against
 * the response schema once and serialized once), rebuilt only when one of its overrides expires.
 */
import type { Guard } from "../kit/index";
import type { RegistryStore } from "./registry-store";
import { type ServiceDocument, serviceDocumentSchema, withLiveOverrides } from "./service-document";

interface Entry {
  readonly document: ServiceDocument | undefined;
  readonly fetchedAt: number;
  /** The GET response body, valid until the earliest live override expires. */
  body?: { readonly bytes: Buffer; readonly validUntil: number };
}

export class RegistryCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();

  constructor(
    private readonly store: RegistryStore,
    private readonly guard: Guard,
    private readonly ttlMs: number,
  ) {}

  /**
   * The JSON body of GET /v1/services/{name} (undefined when not registered). Synchronous when the
   * entry is cached, so the hot path of a lookup creates no promise.
   */
  body(name: string): Buffer | undefined | Promise<Buffer | undefined> {
    const entry = this.entry(name);
    return entry instanceof Promise ? entry.then((loaded) => bodyOf(loaded)) : bodyOf(entry);
  }

  /** The body when a fresh entry holds it now; undefined otherwise (without loading anything). */
  cachedBody(name: string): Buffer | undefined {
    const entry = this.entries.get(name);
    return entry && this.isFresh(entry) ? bodyOf(entry) : undefined;
  }

  set(name: string, document: ServiceDocument | undefined): void {
    this.entries.set(name, { document, fetchedAt: Date.now() });
  }

  /**
   * A document pushed by a replica: kept when it is newer than the cached one. Our own changes come
   * back with the revision we hold (nothing to do); an older revision means the service was
   * recreated or messages crossed, so the entry is dropped and read again.
   */
  offer(document: ServiceDocument): void {
    const cached = this.entries.get(document.name)?.document;
    if (cached?.revision === document.revision) return;
    if (!cached || document.revision > cached.revision) this.set(document.name, document);
    else this.invalidate(document.name);
  }

  invalidate(name: string): void {
    this.entries.delete(name);
  }

  clear(): void {
    this.entries.clear();
  }

  private isFresh(entry: Entry): boolean {
    return Date.now() - entry.fetchedAt < this.ttlMs;
  }

  private entry(name: string): Promise<Entry> | Entry {
    const entry = this.entries.get(name);
    if (entry && this.isFresh(entry)) return entry;
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.guard
        .execute(
          async () => {
            const fresh: Entry = { document: await this.store.get(name), fetchedAt: Date.now() };
            // A newer revision pushed while we were reading wins over what we read.
            const pushed = this.entries.get(name);
            if (pushed !== entry && pushed?.document && fresh.document && pushed.document.revision > fresh.document.revision) return pushed;
            this.entries.set(name, fresh);
            return fresh;
          },
          (error) => {
            if (entry) return entry; // stale, but the best answer there is
            throw error;
          },
        )
        .finally(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    return pending;
  }
}

function bodyOf(entry: Entry): Buffer | undefined {
  if (!entry.document) return undefined;
  const now = Date.now();
  if (!entry.body || now >= entry.body.validUntil) {
    const document = serviceDocumentSchema.parse(withLiveOverrides(entry.document, now));
    const validUntil = Math.min(...document.overrides.map((override) => Date.parse(override.expiresAt)));
    entry.body = { bytes: Buffer.from(JSON.stringify(document)), validUntil };
  }
  return entry.body.bytes;
}
