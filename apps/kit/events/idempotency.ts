/**
 * Idempotent commands: a retried command has its effect once and answers with the first outcome.
 * The key comes from the invocation context: the invocation id the caller sent (this hop's
 * parentInvocationId: a retry sends the same one), namespaced by tenant and actor so one caller
 * cannot collide with, or read the outcome of, another's, plus the command and a hash of its input
 * (one invocation may make several different calls: the kit forwards one invocation id for all of
 * them). The key is claimed in `idempotent_commands` (a primary key) in the command's own
 * transaction: a concurrent retry waits on it and then finds the committed outcome; a command that
 * fails leaves no key behind, so its retry runs again.
 */
import { createHash } from "node:crypto";
import { type QueryExecutorProvider, sql } from "kysely";
import type { InvocationContext } from "../invocation-context";

/** The caller-side part of the key, or undefined when the caller sent no invocation id (then nothing is deduplicated). */
export function idempotencyKey(context: InvocationContext | undefined): string | undefined {
  const external = context?.parentInvocationId;
  if (!context || !external) return undefined;
  const actor = context.actor ? `${context.actor.type}:${context.actor.id}${context.actor.onBehalfOf ? `>${context.actor.onBehalfOf}` : ""}` : "anonymous";
  return JSON.stringify([context.tenant ?? "", actor, external]);
}

export interface IdempotentResult<T> {
  /** True when this is a retry: `outcome` is the first run's, nothing ran now. */
  readonly replayed: boolean;
  readonly outcome: T;
}

/**
 * Runs `run` inside `tx` once per (key, command, input): the first run stores its outcome (as
 * JSON, so return plain data) beside the claimed key; a retry returns that outcome without
 * running. No key: `run` simply runs.
 */
export async function runIdempotent<T>(tx: QueryExecutorProvider, key: string | undefined, command: string, input: unknown, run: () => Promise<T>): Promise<IdempotentResult<T>> {
  if (key === undefined) return { replayed: false, outcome: await run() };
  const fullKey = createHash("sha256").update(JSON.stringify([key, command, input ?? null])).digest("base64url");
  // The insert claims the key first: a concurrent retry blocks on it until this transaction ends.
  const claimed = await sql<{ idempotency_key: string }>`
    insert into idempotent_commands (idempotency_key, command, outcome) values (${fullKey}, ${command}, 'null'::jsonb)
    on conflict (idempotency_key) do nothing returning idempotency_key`.execute(tx);
  if (claimed.rows.length === 0) {
    const { rows } = await sql<{ outcome: T }>`select outcome from idempotent_commands where idempotency_key = ${fullKey}`.execute(tx);
    return { replayed: true, outcome: rows[0]!.outcome };
  }
  const outcome = await run();
  await sql`update idempotent_commands set outcome = ${JSON.stringify(outcome ?? null)}::jsonb where idempotency_key = ${fullKey}`.execute(tx);
  return { replayed: false, outcome };
}
