import { describe, expect, it } from "vitest";
import { LIFECYCLE_STAGES, allowedTransitions, transitionProblem } from "./lifecycle";

describe("lifecycle", () => {
  it("allows exactly off → on, on → always, on → off (and staying put)", () => {
    const allowed = LIFECYCLE_STAGES.flatMap((from) => LIFECYCLE_STAGES.filter((to) => to !== from && !transitionProblem(from, to)).map((to) => `${from} → ${to}`));
    expect(allowed).toEqual(["off-by-default → on-by-default", "on-by-default → off-by-default", "on-by-default → always-on"]);
    for (const stage of LIFECYCLE_STAGES) expect(transitionProblem(stage, stage)).toBeUndefined();
    expect(allowedTransitions("always-on")).toEqual([]);
  });

  it("says why a move is refused and what is possible instead", () => {
    expect(transitionProblem("off-by-default", "always-on")).toContain("from off-by-default a flag can move to on-by-default");
    expect(transitionProblem("always-on", "on-by-default")).toContain("always-on is final: remove the flag from code, then delete it");
  });
});
