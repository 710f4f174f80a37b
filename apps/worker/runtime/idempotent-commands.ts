/**
 * The worker API's changes as idempotent commands (the kit's runIdempotent, apps/kit/events/idempotency.ts):
 * a command retried with the same invocation id (the caller's, which the kit makes this hop's
 * parentInvocationId) changes state once and answers with the first outcome. The key is claimed in
 * `idempotent_commands` (migrations/worker/0003) in the command's own transaction.
 */
import type { Kysely, Transaction } from "kysely";
import { currentContext, idempotencyKey, runIdempotent } from "../../kit/index";
import type { DB } from "../../../migrations/worker/schema.generated";

/** Command names: part of the key, so one invocation id can trigger a run and put a schedule. */
export const COMMANDS = {
  triggerRun: "worker.trigger-run",
  putSchedule: "worker.put-schedule",
  deleteSchedule: "worker.delete-schedule",
} as const;

export class IdempotentCommands {
  constructor(private readonly db: Kysely<DB>) {}

  /** Runs `command` with `input` once per caller invocation, in a transaction `run` writes in. Return plain JSON data. */
  run<T>(command: (typeof COMMANDS)[keyof typeof COMMANDS], input: unknown, run: (tx: Transaction<DB>) => Promise<T>): Promise<{ replayed: boolean; outcome: T }> {
    const key = idempotencyKey(currentContext());
    return this.db.transaction().execute((tx) => runIdempotent(tx, key, command, input, () => run(tx)));
  }
}
