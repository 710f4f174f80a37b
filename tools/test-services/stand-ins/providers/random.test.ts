import { describe, expect, it } from "vitest";
import { DEFAULT_SPECIAL, randomBehaviour, randomText } from "./packages/random";
import { SECRET_SIGNATURE, SIGNATURE_KEY, isSecret } from "./wire";

const call = (type: string, inputs: Record<string, unknown>) => ({
  type,
  urn: `urn:pulumi:test::armature::${type}::r`,
  name: "r",
  inputs: inputs as never,
  config: {},
});

describe("random stand-in", () => {
  it("honours length and the enabled character classes", () => {
    for (let round = 0; round < 20; round++) {
      const value = randomText({ length: 40, special: false, upper: false });
      expect(value).toHaveLength(40);
      expect(value).toMatch(/^[a-z0-9]+$/);
    }
  });

  it("puts at least the minimum of each class in every result", () => {
    for (let round = 0; round < 50; round++) {
      const value = randomText({ length: 8, minUpper: 2, minNumeric: 3, minSpecial: 1, overrideSpecial: "#" });
      expect(value.match(/[A-Z]/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
      expect(value.match(/[0-9]/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
      expect(value).toContain("#");
      expect(value).toMatch(/^[A-Za-z0-9#]{8}$/);
    }
  });

  it("uses only the default special characters unless overridden", () => {
    const value = randomText({ length: 200, upper: false, lower: false, numeric: false });
    expect([...value].every((char) => DEFAULT_SPECIAL.includes(char))).toBe(true);
  });

  it("refuses minimums longer than the length, and no character class at all", () => {
    expect(() => randomText({ length: 3, minUpper: 2, minLower: 2 })).toThrow(/more than length 3/);
    expect(() => randomText({ length: 3, upper: false, lower: false, numeric: false, special: false })).toThrow(/enable at least one/);
  });

  it("returns a RandomPassword's result as a secret of the asked length, fresh each time", async () => {
    const first = await randomBehaviour.compute(call("random:index/randomPassword:RandomPassword", { length: 32, special: false }));
    const second = await randomBehaviour.compute(call("random:index/randomPassword:RandomPassword", { length: 32, special: false }));
    const result = first.outputs["result"];
    expect(isSecret(result)).toBe(true);
    expect(result).toMatchObject({ [SIGNATURE_KEY]: SECRET_SIGNATURE });
    const value = (result as { value: string }).value;
    expect(value).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((second.outputs["result"] as { value: string }).value).not.toBe(value);
  });

  it("derives every RandomId encoding from the same bytes", async () => {
    const { id, outputs } = await randomBehaviour.compute(call("random:index/randomId:RandomId", { byteLength: 3, prefix: "p-" }));
    const hex = (outputs["hex"] as string).slice(2);
    expect(hex).toMatch(/^[0-9a-f]{6}$/);
    expect(outputs["b64Url"]).toBe(`p-${Buffer.from(hex, "hex").toString("base64url")}`);
    expect(outputs["dec"]).toBe(`p-${BigInt(`0x${hex}`).toString(10)}`);
    expect(id).toBe(outputs["b64Url"]);
  });

  it("keeps RandomInteger within min and max, inclusive", async () => {
    const seen = new Set<unknown>();
    for (let round = 0; round < 60; round++) seen.add((await randomBehaviour.compute(call("random:index/randomInteger:RandomInteger", { min: 1, max: 3 }))).outputs["result"]);
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it("replaces on any changed input, as upstream, and keeps values on an update", async () => {
    expect(randomBehaviour.replaces("random:index/randomPassword:RandomPassword", ["length"])).toEqual(["length"]);
    const kept = await randomBehaviour.compute({ ...call("random:index/randomPassword:RandomPassword", { length: 10 }), old: { id: "none", outputs: {} } });
    expect(kept.outputs).toEqual({});
  });
});
