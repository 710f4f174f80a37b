/** The evaluation order and its reasons: lifecycle stages, environments, opt-out, rules, rollouts, variants, dependencies, broken documents. */
import { describe, expect, it } from "vitest";
import type { FlagDocument } from "../model/definition";
import { flagDocument, segmentDocument } from "../testing/documents";
import { ResolvedContext } from "./context";
import { FlagEvaluator } from "./flag-evaluator";

const staff = { constraints: [{ contextName: "userId", operator: "IN" as const, values: ["u-staff"] }] };
const evaluator = (...flags: FlagDocument[]) => new FlagEvaluator("prod", flags, [segmentDocument("beta", [{ contextName: "plan", operator: "IN", values: ["beta"] }])]);

describe("FlagEvaluator", () => {
  it("follows the lifecycle stage: off-by-default is off unless a rule matches, on-by-default on, always-on on everywhere", () => {
    const environments = { prod: { enabled: true, rules: [staff] } };
    const flags = evaluator(
      flagDocument("off", { environments }),
      flagDocument("on", { environments, lifecycle: "on-by-default" }),
      flagDocument("always", { environments: { prod: { enabled: false } }, lifecycle: "always-on" }),
    );
    expect(flags.evaluate("off", { userId: "u-staff" })).toEqual({ enabled: true, reason: "TARGETING_MATCH" });
    expect(flags.evaluate("off", { userId: "u-1" })).toEqual({ enabled: false, reason: "DEFAULT" });
    expect(flags.evaluate("on", { userId: "u-1" })).toEqual({ enabled: true, reason: "DEFAULT" });
    expect(flags.evaluate("always", { userId: "u-1" })).toEqual({ enabled: true, reason: "STATIC" }); // even where it was disabled
    expect(new FlagEvaluator("dev", [flagDocument("always", { lifecycle: "always-on" })], []).evaluate("always", {})).toEqual({ enabled: true, reason: "STATIC" });
  });

  it("is off where the environment is disabled or not configured", () => {
    const flags = evaluator(flagDocument("f", { environments: { prod: { enabled: false, rules: [{}] }, staging: { enabled: true, rules: [{}] } }, lifecycle: "on-by-default" }));
    expect(flags.evaluate("f", {})).toEqual({ enabled: false, reason: "DISABLED" });
    expect(new FlagEvaluator("dev", [flagDocument("f", { environments: { staging: { enabled: true } } })], []).evaluate("f", {})).toEqual({ enabled: false, reason: "DISABLED" });
  });

  it("lets an opt-out win over rules and over on-by-default", () => {
    const optOut = [{ segments: ["beta"] }];
    const flags = evaluator(
      flagDocument("rule", { environments: { prod: { enabled: true, rules: [{}], optOut } } }),
      flagDocument("on", { environments: { prod: { enabled: true, optOut } }, lifecycle: "on-by-default" }),
    );
    for (const key of ["rule", "on"]) {
      expect(flags.evaluate(key, { properties: { plan: "beta" } })).toEqual({ enabled: false, reason: "TARGETING_MATCH" });
      expect(flags.evaluate(key, { properties: { plan: "free" } }).enabled).toBe(true);
    }
  });

  it("says SPLIT when a partial rollout let the subject in, TARGETING_MATCH for a full one, and keeps subjects in as the percentage grows", () => {
    const rollout = (percentage: number) => evaluator(flagDocument("r", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage, stickiness: "userId" } }] } } }));
    const users = Array.from({ length: 2000 }, (_, index) => `u-${index}`);
    const at = (percentage: number) => users.filter((userId) => rollout(percentage).evaluate("r", { userId }).enabled);
    expect(rollout(50).evaluate("r", { userId: at(50)[0]! })).toEqual({ enabled: true, reason: "SPLIT" });
    expect(rollout(100).evaluate("r", { userId: "anyone" })).toEqual({ enabled: true, reason: "TARGETING_MATCH" });
    expect(rollout(100).evaluate("r", {})).toEqual({ enabled: false, reason: "DEFAULT" }); // sticky on userId, and there is none
    expect(at(0)).toEqual([]);
    const [at5, at25, at60] = [at(5), at(25), at(60)];
    expect(at5.every((user) => at25.includes(user)) && at25.every((user) => at60.includes(user))).toBe(true);
    expect(at25.length / users.length).toBeCloseTo(0.25, 1);
  });

  it("assigns variants: the rule's own first, else the environment's; an override targets named subjects", () => {
    const variants = [
      { name: "red", weight: 500, overrides: [{ contextName: "userId", values: ["u-tester"] }] },
      { name: "black", weight: 500 },
    ];
    const flags = evaluator(
      flagDocument("f", {
        environments: { prod: { enabled: true, rules: [{ ...staff, variants: [{ name: "staff-only", weight: 1000 }] }, { rollout: { percentage: 100 } }], variants } },
      }),
    );
    expect(flags.evaluate("f", { userId: "u-staff" })).toEqual({ enabled: true, reason: "TARGETING_MATCH", variant: { name: "staff-only" }, variantReason: "SPLIT" });
    expect(flags.evaluate("f", { userId: "u-tester" })).toEqual({ enabled: true, reason: "TARGETING_MATCH", variant: { name: "red" }, variantReason: "TARGETING_MATCH" });
    const names = new Set(Array.from({ length: 200 }, (_, index) => flags.evaluate("f", { userId: `u-${index}` }).variant?.name));
    expect(names).toEqual(new Set(["red", "black"]));
    expect(flags.flag("f")!.variantNamed("black")).toEqual({ name: "black" });
    expect(flags.flag("f")!.variantNamed("staff-only")).toEqual({ name: "staff-only" });
  });

  it("is off (DISABLED) while a dependency is not met", () => {
    const flags = evaluator(
      flagDocument("parent", { environments: { prod: { enabled: true, rules: [staff] } } }),
      flagDocument("child", { environments: { prod: { enabled: true, rules: [{}] } }, dependencies: [{ flag: "parent" }] }),
      flagDocument("opposite", { environments: { prod: { enabled: true, rules: [{}] } }, dependencies: [{ flag: "parent", enabled: false }] }),
    );
    expect(flags.evaluate("child", { userId: "u-staff" })).toEqual({ enabled: true, reason: "TARGETING_MATCH" });
    expect(flags.evaluate("child", { userId: "u-1" })).toEqual({ enabled: false, reason: "DISABLED" });
    expect(flags.evaluate("opposite", { userId: "u-1" }).enabled).toBe(true);
  });

  it("answers ERROR for an unknown flag, and for a malformed document without touching the other flags", () => {
    const broken = { ...flagDocument("broken"), environments: { prod: { enabled: true, rules: "not a list" } } } as unknown as FlagDocument;
    const flags = evaluator(broken, flagDocument("fine", { environments: { prod: { enabled: true, rules: [{}] } } }));
    expect(flags.evaluate("broken", {})).toMatchObject({ enabled: false, reason: "ERROR", errorCode: "PARSE_ERROR" });
    expect(flags.evaluate("fine", {})).toEqual({ enabled: true, reason: "TARGETING_MATCH" });
    expect(flags.evaluate("missing", {})).toMatchObject({ reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
  });

  it("never matches an operator it does not know (a newer service's), and a missing segment", () => {
    const newer = flagDocument("op", { environments: { prod: { enabled: true, rules: [{ constraints: [{ contextName: "userId", operator: "IN", values: ["x"] }] }] } } });
    Object.assign(newer.environments["prod"]!.rules[0]!.constraints[0]!, { operator: "STR_SOUNDS_LIKE" });
    const flags = evaluator(
      newer,
      flagDocument("seg", { environments: { prod: { enabled: true, rules: [{ segments: ["gone"] }] } } }),
    );
    expect(flags.evaluate("op", { userId: "x" }).enabled).toBe(false);
    expect(flags.evaluate("seg", {}).enabled).toBe(false);
  });

  it("decides as it evaluates (the same enabled and reason), without choosing a variant", () => {
    const variants = [
      { name: "red", weight: 500 },
      { name: "black", weight: 500 },
    ];
    const flags = evaluator(
      flagDocument("split", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 40, stickiness: "userId" } }], variants } } }),
      flagDocument("on", { environments: { prod: { enabled: true, optOut: [{ segments: ["beta"] }], variants } }, lifecycle: "on-by-default" }),
      flagDocument("child", { environments: { prod: { enabled: true, rules: [staff, {}] } }, dependencies: [{ flag: "split" }] }),
      flagDocument("off", { environments: { prod: { enabled: false } } }),
    );
    const resolved = new ResolvedContext();
    let withVariant = 0;
    for (let index = 0; index < 300; index++) {
      const context = { userId: index % 7 === 0 ? "u-staff" : `u-${index}`, properties: { plan: index % 3 === 0 ? "beta" : "free" } };
      for (const key of ["split", "on", "child", "off"]) {
        const evaluated = flags.evaluate(key, context);
        const decided = flags.flag(key)!.decide(resolved.fill(context));
        expect(decided, `${key} for ${context.userId}`).toEqual({ enabled: evaluated.enabled, reason: evaluated.reason });
        if (evaluated.variant) withVariant++;
      }
    }
    expect(withVariant).toBeGreaterThan(100);
  });

  it("gives a context-free decision only where no attribute can change decide's answer, and it is decide's answer for every context", () => {
    const flags = evaluator(
      flagDocument("kill-switch", { environments: { prod: { enabled: true, rules: [{}] } } }),
      flagDocument("full-rollout", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 100, stickiness: "default" } }] } } }),
      flagDocument("on", { environments: { prod: { enabled: true } }, lifecycle: "on-by-default" }),
      flagDocument("off-here", { environments: { prod: { enabled: false, rules: [staff] } } }),
      flagDocument("always", { lifecycle: "always-on" }),
      flagDocument("targeted", { environments: { prod: { enabled: true, rules: [staff, {}] } } }),
      flagDocument("sticky-rollout", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 100, stickiness: "userId" } }] } } }),
      flagDocument("opted-out", { environments: { prod: { enabled: true, rules: [{}], optOut: [{ segments: ["beta"] }] } } }),
      flagDocument("child", { environments: { prod: { enabled: true, rules: [{}] } }, dependencies: [{ flag: "targeted" }] }),
    );
    const contextFree = ["kill-switch", "full-rollout", "on", "off-here", "always"];
    for (const key of contextFree) expect(flags.flag(key)!.decision, key).toBeDefined();
    for (const key of ["targeted", "sticky-rollout", "opted-out", "child"]) expect(flags.flag(key)!.decision, key).toBeUndefined();
    const resolved = new ResolvedContext();
    for (const context of [{}, { userId: "u-staff" }, { userId: "u-1", properties: { plan: "beta" } }, { sessionId: "s-1" }]) {
      for (const key of contextFree) expect(flags.flag(key)!.decide(resolved.fill(context)), key).toBe(flags.flag(key)!.decision);
    }
  });

  it("resolves a context once: the caller's attributes win over the fallbacks, even when set to undefined", () => {
    const resolved = new ResolvedContext().fill({ userId: "u-1", organisationId: undefined, sessionId: "s-1", properties: { plan: "pro" } }, "u-scope", "org-scope", "prod", "shop");
    expect({ ...resolved, source: undefined }).toEqual({ userId: "u-1", organisationId: undefined, environment: "prod", appName: "shop", source: undefined });
    expect(resolved.source.sessionId).toBe("s-1");
    expect(new ResolvedContext().fill(undefined, "u-scope", "org-scope")).toMatchObject({ userId: "u-scope", organisationId: "org-scope", environment: undefined });
  });
});
