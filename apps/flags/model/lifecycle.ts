/**
 * A flag's lifecycle: off-by-default (dark launch: on only where a rule says so) → on-by-default
 * (on unless opted out) → always-on (on everywhere: the code path is permanent, so the flag check
 * is ready to be removed from code, then the flag deleted). Going back from on-by-default to
 * off-by-default is the rollback; nothing leaves always-on, because code may already rely on it.
 */
export const LIFECYCLE_STAGES = ["off-by-default", "on-by-default", "always-on"] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

const ALLOWED: Readonly<Record<LifecycleStage, readonly LifecycleStage[]>> = {
  "off-by-default": ["on-by-default"],
  "on-by-default": ["always-on", "off-by-default"],
  "always-on": [],
};

export function allowedTransitions(from: LifecycleStage): readonly LifecycleStage[] {
  return ALLOWED[from];
}

/** Why moving from `from` to `to` is not allowed, or undefined when it is (staying put is allowed). */
export function transitionProblem(from: LifecycleStage, to: LifecycleStage): string | undefined {
  if (from === to || ALLOWED[from].includes(to)) return undefined;
  const next = ALLOWED[from];
  const options = next.length > 0 ? `from ${from} a flag can move to ${next.join(" or ")}` : `${from} is final: remove the flag from code, then delete it`;
  return `a flag cannot move from ${from} to ${to}: flags go off-by-default → on-by-default → always-on (on-by-default may go back to off-by-default); ${options}`;
}
