/** lean-runtime.ts: the SDK's diagnostics are off inside a plan, and back as they were after it. */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { withLeanRuntime } from "./lean-runtime";

const debuggable = createRequire(__filename)("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise: <T>(promise: Promise<T>, context: string) => Promise<T>;
};
const callsites = () => (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites();

describe("withLeanRuntime", () => {
  it("records no source frames and no promise diagnostics inside, and settles promises as before", async () => {
    expect(callsites().length).toBeGreaterThan(0);
    await withLeanRuntime(async () => {
      expect(callsites()).toEqual([]);
      const promise = Promise.resolve(42);
      const wrapped = debuggable.debuggablePromise(promise, "value");
      expect(Object.getOwnPropertyNames(promise)).not.toContain("_debugStackTrace");
      await expect(wrapped).resolves.toBe(42);
      await expect(debuggable.debuggablePromise(Promise.reject(new Error("refused")), "error")).rejects.toThrow("refused");
    });
  });

  it("puts the SDK's own functions back, also when the plan fails", async () => {
    const before = debuggable.debuggablePromise;
    await expect(withLeanRuntime(() => Promise.reject(new Error("program error")))).rejects.toThrow("program error");
    expect(debuggable.debuggablePromise).toBe(before);
    const promise = Promise.resolve("after");
    await debuggable.debuggablePromise(promise, "after");
    expect(Object.getOwnPropertyNames(promise)).toContain("_debugStackTrace");
    expect(callsites().length).toBeGreaterThan(0);
  });
});
