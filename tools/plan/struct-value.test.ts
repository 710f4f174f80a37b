/** struct-value.ts against the real thing: google-protobuf's Struct, as the Pulumi SDK uses it. */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { asStructValue } from "./struct-value";

interface StructModule {
  Struct: { fromJavaScript(value: unknown): { toJavaScript(): unknown } };
}
// The protobuf runtime the SDK itself loads (a dependency of @pulumi/pulumi).
const fromSdk = createRequire(createRequire(__filename).resolve("@pulumi/pulumi"));
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb") as StructModule;
const throughStruct = (value: unknown) => Struct.fromJavaScript(value).toJavaScript();

describe("asStructValue", () => {
  it("reads back what a Struct reads back, key order included", () => {
    const value = {
      zeta: "last",
      Alpha: { b: [1, -0, 2.5, { y: true, x: null }], a: [], "10": "ten", "9": "nine" },
      "é": "accented",
      _: false,
      metadata: { labels: { "team": "core", "app.kubernetes.io/name": "flags" }, name: "flags" },
    };
    const expected = throughStruct(value);
    const actual = asStructValue(value);
    expect(actual).toEqual(expected);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    expect(Object.keys(actual as object)).toEqual(Object.keys(expected as object));
  });

  it("leaves scalars as they are and copies what it reads", () => {
    const list = [{ a: 1 }];
    expect(asStructValue("text")).toBe("text");
    expect(asStructValue(null)).toBeNull();
    expect(asStructValue(list)).not.toBe(list);
    expect(asStructValue(list)).toEqual(list);
  });

  it("refuses what a Struct refuses, with its message", () => {
    for (const bad of [{ missing: undefined }, { call: () => 1 }, [undefined]]) {
      expect(() => throughStruct(bad)).toThrow("Unexpected struct type.");
      expect(() => asStructValue(bad)).toThrow("Unexpected struct type.");
    }
  });
});
