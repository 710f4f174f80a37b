/**
 * Which pull-request stacks the reaper removes: `pr-<n>` stacks not updated for longer than their
 * TTL. The TTL slides with every update, so a PR that is still being pushed to keeps its stack.
 */
import { EPHEMERAL_STACK } from "../../stacks/config/rules";

/** One entry of `pulumi stack ls --json` (the CLI's stable stackSummaryJSON shape). */
export interface StackSummary {
  readonly name: string;
  readonly lastUpdate?: string;
  readonly updateInProgress?: boolean;
}

export type ReapDecision =
  | { readonly stack: string; readonly action: "reap"; readonly idleHours: number }
  | { readonly stack: string; readonly action: "keep"; readonly reason: string };

export function decideReaping(stacks: readonly StackSummary[], ttlHours: number, now: Date): ReapDecision[] {
  return stacks.flatMap((summary): ReapDecision[] => {
    // `pulumi stack ls` may qualify names as org/project/stack.
    const stack = summary.name.split("/").pop() ?? summary.name;
    if (!EPHEMERAL_STACK.test(stack)) return [];
    if (summary.updateInProgress) return [{ stack, action: "keep", reason: "an update is in progress" }];
    const updated = summary.lastUpdate ? Date.parse(summary.lastUpdate) : Number.NaN;
    if (Number.isNaN(updated)) return [{ stack, action: "keep", reason: `unknown last update ${JSON.stringify(summary.lastUpdate ?? null)}` }];
    const idleHours = (now.getTime() - updated) / 3_600_000;
    return idleHours > ttlHours
      ? [{ stack, action: "reap", idleHours }]
      : [{ stack, action: "keep", reason: `idle ${idleHours.toFixed(1)} h of ${ttlHours} h` }];
  });
}
