/**
 * Every policy against its examples: each passing example reports nothing, each violating one
 * reports a mandatory violation (with the expected message, where the example names one).
 */
import { describe, expect, it } from "vitest";
import { allCases } from "./all.cases";
import { policies } from "./registry";
import { run } from "./testing/examples";

describe.each(allCases.map((cases) => [cases.policy.name, cases] as const))("%s", (_name, { policy, passes, violations }) => {
  it.each(passes.map((example) => [example.name, example] as const))("passes: %s", async (_title, example) => {
    const findings = await run(policy, example);
    expect(findings.map((finding) => finding.message)).toEqual([]);
  });

  it.each(violations.map((example) => [example.name, example] as const))("violates: %s", async (_title, example) => {
    const findings = await run(policy, example);
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      expect(finding.cannotRun, finding.message).toBe(false);
      expect(finding.enforcement).toBe("mandatory");
      expect(finding.urn).toBeTruthy();
      if (example.expect) expect(finding.message).toMatch(example.expect);
    }
  });
});

describe("the examples", () => {
  it("cover every registered policy with at least one passing and one violating example", () => {
    const covered = new Map(allCases.map((cases) => [cases.policy.name, cases]));
    const uncovered = policies.filter((policy) => {
      const cases = covered.get(policy.name);
      return !cases || cases.passes.length === 0 || cases.violations.length === 0;
    });
    expect(uncovered.map((policy) => policy.name)).toEqual([]);
    expect(allCases.every((cases) => policies.includes(cases.policy))).toBe(true);
  });
});
