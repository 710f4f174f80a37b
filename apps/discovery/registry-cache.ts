/**
 * Discovery's own read cache: lookups are served from memory, refilled from Postgres behind a
 * circuit breaker. Entries are dropped when a change is pushed (from any replica) and refetched
 * after `ttlMs` at the latest. If Postgres fails, the last known document is served (the seed's
 * "DB circuit breaker: fall back to near cache").
 */
import type { Guard } from "../kit/index";
import type { RegistryStore } from "./registry-store";
import type { ServiceDocument } from "./service-document";

interface Entry {
  readonly document: ServiceDocument | undefined;
  readonly fetchedAt: number;
}

export class RegistryCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<ServiceDocument | undefined>>();

  constructor(
    private readonly store: RegistryStore,
    private readonly guard: Guard,
    private readonly ttlMs: number,
  ) {}

  get(name: string): Promise<ServiceDocument | undefined> {
    const entry = this.entries.get(name);
    if (entry && Date.now() - entry.fetchedAt < this.ttlMs) return Promise.resolve(entry.document);
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.guard
        .execute(
          async () => {
            const document = await this.store.get(name);
            this.entries.set(name, { document, fetchedAt: Date.now() });
            return document;
          },
          (error) => {
            if (entry) return entry.document; // stale, but the best answer there is
            throw error;
          },
        )
        .finally(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    return pending;
  }

  set(name: string, document: ServiceDocument | undefined): void {
    this.entries.set(name, { document, fetchedAt: Date.now() });
  }

  invalidate(name: string): void {
    this.entries.delete(name);
  }

  clear(): void {
    this.entries.clear();
  }
}
