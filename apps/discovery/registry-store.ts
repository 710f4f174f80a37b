/**
 * The registry in Postgres (kysely). Every change runs in one transaction with its audit entry
 * (who, when, before, after), and bumps the service's revision so clients can tell versions apart.
 * Every change is an idempotent command: a retry (the same invocation id, actor, tenant and input)
 * changes nothing and answers with the first outcome. A service or override that is not there is a
 * NotFound (the transaction rolls back, so a retry looks again).
 */
import { Kysely, PostgresDialect, type Selectable, type Transaction, sql } from "kysely";
import type pg from "pg";
import { type Actor, NotFound, auditColumns, currentContext, discoveryRegistrationTopic, idempotencyKey, journalEvent, runIdempotent, toAuditEntry, upsertRevisioned } from "../kit/index";
import type { DB as DiscoveryDatabase } from "../../migrations/discovery/schema.generated";
import { registryEvent } from "./registry-events";
import type { AuditEntry, Override, PutServiceBody, ServiceDocument } from "./service-document";

export interface NewOverride {
  readonly target: string;
  readonly environment?: string;
  readonly routingKey?: string;
  readonly ttlSeconds: number;
}

type Tx = Transaction<DiscoveryDatabase>;

/** A command's outcome; `replayed` when it is a retry's (nothing changed now). */
export interface CommandResult<T> {
  readonly replayed: boolean;
  readonly outcome: T;
}

export function serviceNotFound(name: string): NotFound {
  return new NotFound("service_not_found", `no service named ${name} is registered`);
}

export class RegistryStore {
  readonly db: Kysely<DiscoveryDatabase>;

  constructor(pool: pg.Pool) {
    this.db = new Kysely<DiscoveryDatabase>({ dialect: new PostgresDialect({ pool }) });
  }

  async get(name: string): Promise<ServiceDocument | undefined> {
    return readService(this.db, name);
  }

  /** Every registration with its live overrides: two queries, whatever the number of services. */
  async list(): Promise<ServiceDocument[]> {
    const [rows, overrides] = await Promise.all([
      this.db.selectFrom("services").selectAll().orderBy("name").execute(),
      this.db.selectFrom("overrides").selectAll().where("expires_at", ">", new Date()).orderBy("created_at").execute(),
    ]);
    const byService = new Map<string, typeof overrides>();
    for (const override of overrides) {
      const ofService = byService.get(override.service);
      if (ofService) ofService.push(override);
      else byService.set(override.service, [override]);
    }
    return rows.map((row) => toDocument(row, byService.get(row.name) ?? []));
  }

  /** Creates or replaces a registration; the outcome is the new document and whether it was created. */
  put(name: string, body: PutServiceBody, by: Actor): Promise<CommandResult<{ document: ServiceDocument; created: boolean }>> {
    return this.command("discovery.put-service", { name, body }, async (tx) => {
      const before = await readService(tx, name, { lock: true });
      const row = {
        name,
        endpoints: JSON.stringify(body.endpoints),
        version: body.version,
        settings: JSON.stringify(body.settings ?? {}),
        settings_schema: body.settingsSchema ? JSON.stringify(body.settingsSchema) : null,
        updated_by: by.actor,
      };
      await upsertRevisioned(tx, "services", "name", row, before !== undefined);
      const after = (await readService(tx, name))!;
      await audit(tx, by, "service", name, before ? "update" : "create", before, after);
      return { document: after, created: !before };
    });
  }

  /** Deregisters a service; the outcome is its last document. */
  remove(name: string, by: Actor): Promise<CommandResult<ServiceDocument>> {
    return this.command("discovery.remove-service", { name }, async (tx) => {
      const before = await readService(tx, name, { lock: true });
      if (!before) throw serviceNotFound(name);
      await tx.deleteFrom("services").where("name", "=", name).execute();
      await audit(tx, by, "service", name, "delete", before, null);
      return before;
    });
  }

  /** Records an observed health; `changed` when the status differs (then the revision goes up and it is audited). */
  setHealth(name: string, status: "pass" | "warn" | "fail", by: Actor): Promise<CommandResult<{ document: ServiceDocument; changed: boolean }>> {
    return this.command("discovery.set-health", { name, status }, async (tx) => {
      const before = await readService(tx, name, { lock: true });
      if (!before) throw serviceNotFound(name);
      const changed = before.health.status !== status;
      await tx
        .updateTable("services")
        .set({ health: status, health_checked_at: new Date(), ...(changed ? { revision: sql<number>`revision + 1` } : {}) })
        .where("name", "=", name)
        .execute();
      const after = (await readService(tx, name))!;
      if (changed) await audit(tx, by, "service", name, "health", before.health, after.health);
      return { document: after, changed };
    });
  }

  addOverride(name: string, override: NewOverride, by: Actor): Promise<CommandResult<{ document: ServiceDocument; override: Override }>> {
    return this.command("discovery.add-override", { name, override }, async (tx) => {
      const before = await readService(tx, name, { lock: true });
      if (!before) throw serviceNotFound(name);
      const { id } = await tx
        .insertInto("overrides")
        .values({
          service: name,
          target: override.target,
          environment: override.environment ?? null,
          routing_key: override.routingKey ?? null,
          expires_at: new Date(Date.now() + override.ttlSeconds * 1000),
          created_by: by.actor,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await bumpRevision(tx, name);
      const after = (await readService(tx, name))!;
      const created = after.overrides.find((candidate) => candidate.id === id)!;
      await audit(tx, by, "override", id, "create", null, { service: name, ...created });
      return { document: after, override: created };
    });
  }

  removeOverride(name: string, id: string, by: Actor): Promise<CommandResult<ServiceDocument>> {
    return this.command("discovery.remove-override", { name, id }, async (tx) => {
      const before = await readService(tx, name, { lock: true });
      const existing = before?.overrides.find((candidate) => candidate.id === id);
      if (!before || !existing) throw new NotFound("override_not_found", `service ${name} has no override ${id}`);
      await tx.deleteFrom("overrides").where("id", "=", id).execute();
      await bumpRevision(tx, name);
      await audit(tx, by, "override", id, "delete", { service: name, ...existing }, null);
      return (await readService(tx, name))!;
    });
  }

  async auditTrail(name: string, limit: number): Promise<AuditEntry[]> {
    const overrideIds = this.db.selectFrom("audit_log").select("entity_key").where("entity", "=", "override").where(sql<boolean>`after->>'service' = ${name} or before->>'service' = ${name}`);
    const rows = await this.db
      .selectFrom("audit_log")
      .selectAll()
      .where((eb) => eb.or([eb.and([eb("entity", "=", "service"), eb("entity_key", "=", name)]), eb.and([eb("entity", "=", "override"), eb("entity_key", "in", overrideIds)])]))
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((row) => toAuditEntry<AuditEntry["entity"], AuditEntry["action"]>(row));
  }

  /** Runs `change` in its own transaction as an idempotent command (apps/kit/events/idempotency.ts). */
  private command<T>(name: string, input: unknown, change: (tx: Tx) => Promise<T>): Promise<CommandResult<T>> {
    return this.db.transaction().execute((tx) => runIdempotent(tx, idempotencyKey(currentContext()), name, input, () => change(tx)));
  }
}

async function readService(db: Kysely<DiscoveryDatabase> | Tx, name: string, options: { lock?: boolean } = {}): Promise<ServiceDocument | undefined> {
  let query = db.selectFrom("services").selectAll().where("name", "=", name);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const overrides = await db.selectFrom("overrides").selectAll().where("service", "=", name).where("expires_at", ">", new Date()).orderBy("created_at").execute();
  return toDocument(row, overrides);
}

function toDocument(row: Selectable<DiscoveryDatabase["services"]>, overrides: readonly Selectable<DiscoveryDatabase["overrides"]>[]): ServiceDocument {
  // The JSON columns hold what the API validated on the way in, and check constraints hold their
  // shape and the health values (migrations/discovery), so the generated types narrow safely here.
  return {
    name: row.name,
    endpoints: row.endpoints as ServiceDocument["endpoints"],
    version: row.version,
    settings: row.settings as ServiceDocument["settings"],
    ...(row.settings_schema ? { settingsSchema: row.settings_schema as ServiceDocument["settings"] } : {}),
    health: { status: row.health as ServiceDocument["health"]["status"], ...(row.health_checked_at ? { checkedAt: row.health_checked_at.toISOString() } : {}) },
    revision: Number(row.revision),
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
    overrides: overrides.map((override) => ({
      id: override.id,
      target: override.target,
      ...(override.environment ? { environment: override.environment } : {}),
      ...(override.routing_key ? { routingKey: override.routing_key } : {}),
      expiresAt: override.expires_at.toISOString(),
      createdBy: override.created_by,
    })),
  };
}

async function bumpRevision(tx: Tx, name: string): Promise<void> {
  await tx
    .updateTable("services")
    .set({ revision: sql<number>`revision + 1`, updated_at: sql<Date>`now()` })
    .where("name", "=", name)
    .execute();
}

/** The audit entry and the change's event (journalled for the relay), in the change's transaction. */
async function audit(tx: Tx, by: Actor, entity: "service" | "override", key: string, action: "create" | "update" | "delete" | "health", before: unknown, after: unknown): Promise<void> {
  await tx
    .insertInto("audit_log")
    .values({ ...auditColumns(by, before, after), entity, entity_key: key, action })
    .execute();
  const change = registryEvent(entity, action, key, before, after);
  await journalEvent(tx, discoveryRegistrationTopic, change.key, change.event, by);
}
