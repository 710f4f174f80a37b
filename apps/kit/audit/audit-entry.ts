/**
 * An audit log row as the apps' APIs answer it: when, who (with the invocation and trace to look
 * up), which entity and key, what was done, and the value before and after. The columns are the
 * ones every audit log shares (auditColumns, migrations/discovery and migrations/flags).
 */
import { z } from "zod";

/** The entry's schema, for the app's own entities and actions; `extra` fields (flags: the flag-set version) follow `at`. */
export function auditEntrySchemaFor<const Entity extends string, const Action extends string, Extra extends z.ZodRawShape = Record<never, never>>(
  entities: readonly [Entity, ...Entity[]],
  actions: readonly [Action, ...Action[]],
  extra?: Extra,
) {
  return z.object({
    at: z.string(),
    ...(extra ?? ({} as Extra)),
    actor: z.string(),
    invocationId: z.string().optional(),
    traceId: z.string().optional(),
    entity: z.enum(entities),
    entityKey: z.string(),
    action: z.enum(actions),
    before: z.unknown(),
    after: z.unknown(),
  });
}

/** The shared columns of an audit log row, as kysely reads them. */
export interface AuditRow {
  readonly at: Date;
  readonly actor: string;
  readonly invocation_id: string | null;
  readonly trace_id: string | null;
  readonly entity: string;
  readonly entity_key: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface AuditEntry<Entity extends string, Action extends string> {
  readonly at: string;
  readonly actor: string;
  readonly invocationId?: string;
  readonly traceId?: string;
  readonly entity: Entity;
  readonly entityKey: string;
  readonly action: Action;
  readonly before: unknown;
  readonly after: unknown;
}

/** The API entry of a row; the log's check constraints allow only the app's entities and actions, so they narrow safely. */
export function toAuditEntry<Entity extends string, Action extends string>(row: AuditRow): AuditEntry<Entity, Action> {
  return {
    at: row.at.toISOString(),
    actor: row.actor,
    ...(row.invocation_id ? { invocationId: row.invocation_id } : {}),
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
    entity: row.entity as Entity,
    entityKey: row.entity_key,
    action: row.action as Action,
    before: row.before,
    after: row.after,
  };
}
