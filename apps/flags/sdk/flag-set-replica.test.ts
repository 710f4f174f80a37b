import { describe, expect, it } from "vitest";
import type { FlagChange } from "../change-feed";
import { flagDocument, segmentDocument } from "../testing/documents";
import { FlagSetReplica, MAX_COMPILED_ENVIRONMENTS } from "./flag-set-replica";

const on = (key: string, segments: string[] = []) => flagDocument(key, { environments: { prod: { enabled: true, rules: [{ segments }] } } });
const change = (version: number, fields: Omit<FlagChange, "version" | "at">): FlagChange => ({ version, at: new Date().toISOString(), ...fields }) as FlagChange;

describe("FlagSetReplica", () => {
  it("applies pushed changes in version order, ignores old ones and reports gaps", () => {
    const replica = new FlagSetReplica();
    expect(replica.apply(change(1, { kind: "flag", key: "a", document: on("a") }))).toBe("gap"); // nothing loaded yet
    replica.load({ version: 4, flags: [on("a")], segments: [] });
    expect(replica.apply(change(4, { kind: "flag", key: "a", document: null }))).toBe("old");
    expect(replica.apply(change(6, { kind: "flag", key: "b", document: on("b") }))).toBe("gap");
    expect(replica.apply(change(5, { kind: "flag", key: "b", document: on("b") }))).toBe("applied");
    expect(replica.apply(change(6, { kind: "flag", key: "a", document: null }))).toBe("applied");
    expect([replica.version, replica.keys()]).toEqual([6, ["b"]]);
  });

  it("keeps compiled evaluators for a bounded number of environments (names can come from requests)", () => {
    const replica = new FlagSetReplica();
    replica.load({ version: 1, flags: [on("a")], segments: [] });
    const first = replica.evaluator("env-0");
    for (let index = 1; index < MAX_COMPILED_ENVIRONMENTS; index++) replica.evaluator(`env-${index}`);
    expect(replica.evaluator("env-0")).toBe(first); // still cached at the bound
    replica.evaluator(`env-${MAX_COMPILED_ENVIRONMENTS}`); // one more: the cache starts over
    expect(replica.evaluator("env-0")).not.toBe(first);
  });

  it("recompiles after a change, including a segment change for the flags using it", () => {
    const replica = new FlagSetReplica();
    replica.load({ version: 1, flags: [on("uses", ["beta"]), on("plain")], segments: [segmentDocument("beta", [{ contextName: "plan", operator: "IN", values: ["beta"] }])] });
    expect(replica.evaluator("prod").evaluate("uses", { properties: { plan: "beta" } }).enabled).toBe(true);
    expect(replica.flagsUsingSegment("beta")).toEqual(["uses"]);
    replica.apply(change(2, { kind: "segment", key: "beta", document: segmentDocument("beta", [{ contextName: "plan", operator: "IN", values: ["gamma"] }]) }));
    expect(replica.evaluator("prod").evaluate("uses", { properties: { plan: "beta" } }).enabled).toBe(false);
    expect(replica.snapshot()).toMatchObject({ version: 2, flags: [{ key: "uses" }, { key: "plain" }], segments: [{ key: "beta" }] });
  });
});
