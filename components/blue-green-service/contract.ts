/**
 * Where a release stands with its contract (post-deploy) migration, and what that asks of the
 * deploy. Expand/contract: `post` removes what only the old release used, so it may run only when no
 * running version needs the old schema, i.e. when the old colour is retired (or runs the same release
 * as the new one); after it, going back needs `rollback-post` first (apps/migrator/README.md,
 * "Expand and contract around a blue/green deploy").
 */

/**
 * - `pending`: the inactive colour stays up as the instant way back; the contract waits.
 * - `applied`: the inactive colour is retired (no pods), then the active release's contract runs.
 * - `undone`: going back after a contract: the inactive colour's release (the one that contracted)
 *   undoes it with `rollback-post` before the active colour starts or gets traffic.
 */
export const CONTRACT_STATES = ["pending", "applied", "undone"] as const;
export type ContractState = (typeof CONTRACT_STATES)[number];
export const DEFAULT_CONTRACT_STATE: ContractState = "pending";

export interface ContractSteps {
  /** Scale the inactive colour to zero before the contract runs. */
  readonly retireInactive: boolean;
  /** Run the active release's `post`. */
  readonly post: boolean;
  /** Run the inactive release's `rollback-post` before the active release starts or gets traffic. */
  readonly rollbackPost: boolean;
}

/**
 * The steps a contract state asks for. `sameRelease`: both colours run the same app and migrator
 * releases, so no running version can need an older schema, nothing is left to undo, and the
 * contract may run whatever the state.
 */
export function contractSteps(state: ContractState, sameRelease: boolean): ContractSteps {
  return {
    retireInactive: state === "applied",
    post: state === "applied" || sameRelease,
    rollbackPost: state === "undone" && !sameRelease,
  };
}
