/**
 * Flags and segments in Postgres (kysely). Every change runs in one transaction that first bumps
 * the flag-set version (which serialises writers), checks the definition against the other flags
 * and segments, writes, and records an audit entry (who, when, before, after, version). It returns
 * the change message SDKs apply. A rejected change rolls back, so versions never skip.
 * Every change is an idempotent command: a retry (the same invocation id, actor, tenant and input)
 * changes nothing and answers with the first outcome. Refusals are domain errors (NotFound,
 * Conflict, InvalidInput) that the write routes answer as problem documents.
 */
import { Kysely, PostgresDialect, type Selectable, type Transaction, sql } from "kysely";
import type pg from "pg";
import {
  type Actor,
  type AuditEntry as AuditEntryOf,
  Conflict,
  InvalidInput,
  NotFound,
  auditColumns,
  currentContext,
  flagsDefinitionTopic,
  idempotencyKey,
  journalEvent,
  runIdempotent,
  toAuditEntry,
  upsertRevisioned,
} from "../kit/index";
import { type FlagChange, flagChange } from "./change-feed";
import { flagEvent } from "./flag-events";
import type { DB as FlagsDatabase, Flags, Segments } from "../../migrations/flags/schema.generated";
import type { FlagDefinition, FlagDocument, FlagSet, SegmentDefinition, SegmentDocument } from "./model/definition";
import { type DefinitionProblem, constraintProblems, flagDefinitionProblems } from "./model/definition-problems";
import { type LifecycleStage, transitionProblem } from "./model/lifecycle";

type Db = Kysely<FlagsDatabase> | Transaction<FlagsDatabase>;
type Tx = Transaction<FlagsDatabase>;
/** What the audit log's check constraints allow (migrations/flags). */
type Entity = "flag" | "segment";
type Action = "create" | "update" | "delete" | "transition";

/** An audit entry with the flag-set version its change produced. */
export type AuditEntry = AuditEntryOf<Entity, Action> & { readonly version: number };

/** The NotFound of a flag or segment that does not exist. */
export function missing(entity: Entity, key: string): NotFound {
  return new NotFound(`${entity}_not_found`, `there is no ${entity} ${JSON.stringify(key)}`);
}

/** Thrown inside a transaction to roll it back when there turns out to be nothing to change. */
class NothingChanged<T> extends Error {
  constructor(readonly result: T) {
    super("nothing changed");
  }
}

export class FlagStore {
  readonly db: Kysely<FlagsDatabase>;

  constructor(pool: pg.Pool) {
    this.db = new Kysely<FlagsDatabase>({ dialect: new PostgresDialect({ pool }) });
  }

  /** Every flag and segment at one version (one consistent read). */
  snapshot(): Promise<FlagSet> {
    return this.db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (tx) => ({
        version: await readVersion(tx),
        flags: (await tx.selectFrom("flags").selectAll().orderBy("key").execute()).map(toFlagDocument),
        segments: (await tx.selectFrom("segments").selectAll().orderBy("key").execute()).map(toSegmentDocument),
      }));
  }

  version(): Promise<number> {
    return readVersion(this.db);
  }

  getFlag(key: string): Promise<FlagDocument | undefined> {
    return readFlag(this.db, key);
  }

  async listFlags(lifecycle?: LifecycleStage): Promise<FlagDocument[]> {
    let query = this.db.selectFrom("flags").selectAll().orderBy("key");
    if (lifecycle) query = query.where("lifecycle", "=", lifecycle);
    return (await query.execute()).map(toFlagDocument);
  }

  /** Creates or replaces a flag's definition (its lifecycle stage is kept; new flags start off-by-default). */
  putFlag(key: string, definition: FlagDefinition, by: Actor): Promise<{ document: FlagDocument; created: boolean; change: FlagChange }> {
    return this.command("flags.put-flag", { key, definition }, async (tx) => {
      const version = await bumpVersion(tx);
      const before = await readFlag(tx, key, { lock: true });
      const segments = new Set((await tx.selectFrom("segments").select("key").execute()).map((row) => row.key));
      const others = await tx.selectFrom("flags").select(["key", "dependencies"]).where("key", "<>", key).execute();
      const flags = new Map(others.map((row) => [row.key, { dependencies: row.dependencies as FlagDocument["dependencies"] }]));
      rejectProblems(flagDefinitionProblems(key, definition, { segments, flags }));
      const row = {
        key,
        description: definition.description,
        environments: JSON.stringify(definition.environments),
        dependencies: JSON.stringify(definition.dependencies),
        exposures: definition.exposures,
        updated_by: by.actor,
      };
      await upsertRevisioned(tx, "flags", "key", row, before !== undefined);
      await replaceReferences(tx, key, definition);
      const after = (await readFlag(tx, key))!;
      await audit(tx, version, by, "flag", key, before ? "update" : "create", before ?? null, after);
      return { document: after, created: !before, change: flagChange(version, "flag", key, after) };
    });
  }

  deleteFlag(key: string, by: Actor): Promise<FlagChange> {
    return this.command("flags.delete-flag", { key }, async (tx) => {
      const version = await bumpVersion(tx);
      const before = await readFlag(tx, key, { lock: true });
      if (!before) throw missing("flag", key);
      const children = await tx.selectFrom("flag_dependencies").select("flag_key").where("parent_key", "=", key).orderBy("flag_key").execute();
      if (children.length > 0) {
        throw new Conflict("flag_in_use", `${children.map((row) => row.flag_key).join(", ")} depend${children.length === 1 ? "s" : ""} on ${key}: remove the dependency first`);
      }
      await tx.deleteFrom("flags").where("key", "=", key).execute();
      await audit(tx, version, by, "flag", key, "delete", before, null);
      return flagChange(version, "flag", key, null);
    });
  }

  /** Moves a flag along its lifecycle; a Conflict for a move the lifecycle does not allow. Staying put changes nothing. */
  async transition(key: string, to: LifecycleStage, by: Actor): Promise<{ document: FlagDocument; change?: FlagChange }> {
    return orUnchanged(
      this.command("flags.transition", { key, to }, async (tx) => {
        const version = await bumpVersion(tx);
        const before = await readFlag(tx, key, { lock: true });
        if (!before) throw missing("flag", key);
        const problem = transitionProblem(before.lifecycle, to);
        if (problem) throw new Conflict("illegal_transition", problem);
        if (before.lifecycle === to) throw new NothingChanged({ document: before });
        await tx
          .updateTable("flags")
          .set({ lifecycle: to, lifecycle_changed_at: sql<Date>`now()`, revision: sql<number>`revision + 1`, updated_at: sql<Date>`now()`, updated_by: by.actor })
          .where("key", "=", key)
          .execute();
        const after = (await readFlag(tx, key))!;
        await audit(tx, version, by, "flag", key, "transition", { lifecycle: before.lifecycle }, { lifecycle: to });
        return { document: after, change: flagChange(version, "flag", key, after) };
      }),
    );
  }

  getSegment(key: string): Promise<SegmentDocument | undefined> {
    return readSegment(this.db, key);
  }

  async listSegments(): Promise<SegmentDocument[]> {
    return (await this.db.selectFrom("segments").selectAll().orderBy("key").execute()).map(toSegmentDocument);
  }

  putSegment(key: string, definition: SegmentDefinition, by: Actor): Promise<{ document: SegmentDocument; created: boolean; change: FlagChange }> {
    rejectProblems(constraintProblems(definition.constraints, "constraints"));
    return this.command("flags.put-segment", { key, definition }, async (tx) => {
      const version = await bumpVersion(tx);
      const before = await readSegment(tx, key, { lock: true });
      const row = { key, description: definition.description, constraints: JSON.stringify(definition.constraints), updated_by: by.actor };
      await upsertRevisioned(tx, "segments", "key", row, before !== undefined);
      const after = (await readSegment(tx, key))!;
      await audit(tx, version, by, "segment", key, before ? "update" : "create", before ?? null, after);
      return { document: after, created: !before, change: flagChange(version, "segment", key, after) };
    });
  }

  deleteSegment(key: string, by: Actor): Promise<FlagChange> {
    return this.command("flags.delete-segment", { key }, async (tx) => {
      const version = await bumpVersion(tx);
      const before = await readSegment(tx, key, { lock: true });
      if (!before) throw missing("segment", key);
      const users = await tx.selectFrom("flag_segments").select("flag_key").where("segment_key", "=", key).orderBy("flag_key").execute();
      if (users.length > 0) throw new Conflict("segment_in_use", `flags ${users.map((row) => row.flag_key).join(", ")} use segment ${key}: remove it from them first`);
      await tx.deleteFrom("segments").where("key", "=", key).execute();
      await audit(tx, version, by, "segment", key, "delete", before, null);
      return flagChange(version, "segment", key, null);
    });
  }

  async auditTrail(entity: Entity, key: string, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom("audit_log").selectAll().where("entity", "=", entity).where("entity_key", "=", key).orderBy("id", "desc").limit(limit).execute();
    return rows.map((row) => ({ ...toAuditEntry<Entity, Action>(row), version: Number(row.version) }));
  }

  /**
   * Runs `change` in its own transaction as an idempotent command (apps/kit/events/idempotency.ts):
   * the key is claimed before the version is bumped, so a retry waits for the first run and bumps nothing.
   */
  private async command<T>(name: string, input: unknown, change: (tx: Tx) => Promise<T>): Promise<T> {
    const { outcome } = await this.db.transaction().execute((tx) => runIdempotent(tx, idempotencyKey(currentContext()), name, input, () => change(tx)));
    return outcome;
  }
}

/** The transaction's result, or what it found when it rolled back because there was nothing to change. */
async function orUnchanged<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NothingChanged) return error.result as T;
    throw error;
  }
}

function rejectProblems(problems: readonly DefinitionProblem[]): void {
  if (problems.length === 0) return;
  const detail = problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ");
  throw new InvalidInput(problems[0]!.code, detail, problems.map((problem) => ({ path: problem.path, message: problem.message })));
}

async function readVersion(db: Db): Promise<number> {
  const row = await db.selectFrom("flag_set_version").select("version").executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Takes the version row's lock for the rest of the transaction: writers go one at a time. */
async function bumpVersion(tx: Tx): Promise<number> {
  const row = await tx
    .updateTable("flag_set_version")
    .set({ version: sql<number>`version + 1` })
    .returning("version")
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

async function readFlag(db: Db, key: string, options: { lock?: boolean } = {}): Promise<FlagDocument | undefined> {
  let query = db.selectFrom("flags").selectAll().where("key", "=", key);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toFlagDocument(row);
}

async function readSegment(db: Db, key: string, options: { lock?: boolean } = {}): Promise<SegmentDocument | undefined> {
  let query = db.selectFrom("segments").selectAll().where("key", "=", key);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toSegmentDocument(row);
}

/** Keeps the reference tables in step, so Postgres itself refuses deleting a segment or parent in use. */
async function replaceReferences(tx: Tx, key: string, definition: FlagDefinition): Promise<void> {
  const segments = new Set(Object.values(definition.environments).flatMap((environment) => [...environment.rules, ...environment.optOut].flatMap((matcher) => matcher.segments)));
  await tx.deleteFrom("flag_segments").where("flag_key", "=", key).execute();
  if (segments.size > 0) await tx.insertInto("flag_segments").values([...segments].map((segment) => ({ flag_key: key, segment_key: segment }))).execute();
  await tx.deleteFrom("flag_dependencies").where("flag_key", "=", key).execute();
  if (definition.dependencies.length > 0) {
    await tx.insertInto("flag_dependencies").values(definition.dependencies.map((dependency) => ({ flag_key: key, parent_key: dependency.flag }))).execute();
  }
}

/** The audit entry and the change's event (journalled for the relay), in the change's transaction. */
async function audit(tx: Tx, version: number, by: Actor, entity: Entity, key: string, action: Action, before: unknown, after: unknown): Promise<void> {
  await tx
    .insertInto("audit_log")
    .values({ version, ...auditColumns(by, before, after), entity, entity_key: key, action })
    .execute();
  await journalEvent(tx, flagsDefinitionTopic, key, flagEvent(entity, action, key, version, after), by);
}

/** Rows hold only definitions this store validated before writing them (and check constraints guard the rest). */
function toFlagDocument(row: Selectable<Flags>): FlagDocument {
  return {
    key: row.key,
    description: row.description,
    lifecycle: row.lifecycle as LifecycleStage,
    lifecycleChangedAt: row.lifecycle_changed_at.toISOString(),
    environments: row.environments as FlagDocument["environments"],
    dependencies: row.dependencies as FlagDocument["dependencies"],
    exposures: row.exposures,
    revision: Number(row.revision),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

function toSegmentDocument(row: Selectable<Segments>): SegmentDocument {
  return {
    key: row.key,
    description: row.description,
    constraints: row.constraints as SegmentDocument["constraints"],
    revision: Number(row.revision),
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}
