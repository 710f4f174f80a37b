/** Definitions that pass the schema but make no sense: each problem is named with its path. */
import { describe, expect, it } from "vitest";
import { flagDefinitionSchema } from "./definition";
import { type DefinitionScope, flagDefinitionProblems } from "./definition-problems";

const scope: DefinitionScope = {
  segments: new Set(["internal"]),
  flags: new Map([
    ["parent", { dependencies: [] }],
    ["grandchild-parent", { dependencies: [{ flag: "parent" }] }],
    ["child-of-me", { dependencies: [{ flag: "me" }] }],
  ]),
};
const problemsOf = (definition: unknown, key = "other", within = scope) => flagDefinitionProblems(key, flagDefinitionSchema.parse(definition), within).map(({ code, path, message }) => ({ code, path, message }));
const prod = (environment: Record<string, unknown>) => ({ environments: { prod: { enabled: true, ...environment } } });
const constraint = (fields: Record<string, unknown>) => prod({ rules: [{ constraints: [{ contextName: "x", ...fields }] }] });

describe("flag definition problems", () => {
  it("accepts a sound definition", () => {
    expect(problemsOf(prod({ rules: [{ segments: ["internal"], rollout: { percentage: 20 }, variants: [{ name: "a", weight: 1000 }] }], variants: [{ name: "red", weight: 500 }, { name: "black", weight: 500 }] }))).toEqual([]);
  });

  it("names unknown segments, in rules and in opt-outs", () => {
    expect(problemsOf(prod({ rules: [{ segments: ["internal", "nope"] }], optOut: [{ segments: ["gone"] }] }))).toEqual([
      { code: "unknown_segment", path: "environments.prod.rules.0.segments.1", message: expect.stringContaining('no segment "nope"') },
      { code: "unknown_segment", path: "environments.prod.optOut.0.segments.0", message: expect.stringContaining('no segment "gone"') },
    ]);
  });

  it("wants variant weights that add up to 1000, unique names and one stickiness per list", () => {
    expect(problemsOf(prod({ variants: [{ name: "a", weight: 500 }, { name: "b", weight: 400 }] }))).toEqual([
      { code: "invalid_weights", path: "environments.prod.variants", message: "the variants' weights add up to 900; they must add up to 1000 (per mille: 500 + 500 is a 50/50 split)" },
    ]);
    expect(problemsOf(prod({ rules: [{ variants: [{ name: "a", weight: 500, stickiness: "userId" }, { name: "a", weight: 500, stickiness: "organisationId" }] }] })).map((problem) => problem.message)).toEqual([
      "variant names must be unique within a list; repeated: a",
      "every variant of a list is sticky on the same attribute; found userId, organisationId",
    ]);
    expect(problemsOf(prod({ variants: [{ name: "a", weight: 1000, payload: { type: "json", value: "{oops" } }] }))[0]).toMatchObject({ code: "invalid_variants", path: "environments.prod.variants.0.payload.value" });
  });

  it("checks each constraint's value against its operator", () => {
    const messages = (fields: Record<string, unknown>) => problemsOf(constraint(fields)).map((problem) => problem.message);
    expect(messages({ operator: "IN", value: "a" })).toEqual(['IN compares against a list: put the value in "values", not "value"', 'IN needs at least one entry in "values"']);
    expect(messages({ operator: "NUM_GT", values: ["1"] })).toEqual(['NUM_GT compares against one value: give "value", not "values"', 'NUM_GT needs a "value"']);
    expect(messages({ operator: "NUM_GT", value: "ten" })).toEqual(['NUM_GT needs a decimal number such as 42 or -1.5e3, found "ten"']);
    expect(messages({ operator: "DATE_AFTER", value: "tomorrow" })[0]).toContain("ISO 8601");
    expect(messages({ operator: "SEMVER_GTE", value: "v1.2.0" })[0]).toContain("no leading v");
    expect(messages({ operator: "REGEX", value: "^(?=a)" })[0]).toContain("RE2");
    expect(messages({ operator: "IN_CIDR", values: ["10.0.0.0/8", "10.0.0.0/33", "nope"] })).toEqual(['IN_CIDR needs IP addresses or CIDR ranges such as 10.0.0.0/8; not one: "10.0.0.0/33", "nope"']);
    expect(messages({ operator: "IN", values: ["a"], caseInsensitive: true })).toEqual(["caseInsensitive applies to STR_* and REGEX only, not IN"]);
    expect(problemsOf(constraint({ operator: "NUM_GT", value: "1" }))[0]?.path ?? "none").toBe("none");
    expect(problemsOf(constraint({ operator: "IN", value: "a" }))[0]?.path).toBe("environments.prod.rules.0.constraints.0");
  });

  it("keeps dependencies one level deep, on flags that exist", () => {
    const dependsOn = (...flags: string[]) => ({ dependencies: flags.map((flag) => ({ flag })) });
    expect(problemsOf(dependsOn("parent"))).toEqual([]);
    expect(problemsOf(dependsOn("missing", "other", "grandchild-parent", "parent", "parent")).map((problem) => problem.message)).toEqual([
      'there is no flag "missing" to depend on',
      "a flag cannot depend on itself",
      "grandchild-parent depends on other flags itself; dependencies are one level deep",
      "parent is listed twice",
    ]);
    expect(problemsOf(dependsOn("parent"), "me")).toEqual([{ code: "invalid_dependency", path: "dependencies", message: "child-of-me depends on this flag, so it cannot depend on others (one level deep)" }]);
  });
});
