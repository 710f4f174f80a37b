import { describe, expect, it } from "vitest";
import { retryDelayMs, retryPolicySchema } from "./retry-policy";

describe("retry policy", () => {
  const policy = retryPolicySchema.parse({ initialDelayMs: 1000, factor: 2, maxDelayMs: 5000 });

  it("defaults to 3 attempts, 1 s doubling up to 60 s", () => {
    expect(retryPolicySchema.parse({})).toEqual({ maxAttempts: 3, initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000 });
  });

  it("grows exponentially up to the maximum, with half of each delay random", () => {
    const lowest = (failed: number) => retryDelayMs(policy, failed, () => 0);
    const highest = (failed: number) => retryDelayMs(policy, failed, () => 1);
    expect([1, 2, 3, 4, 5].map(highest)).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect([1, 2, 3, 4, 5].map(lowest)).toEqual([500, 1000, 2000, 2500, 2500]);
    expect(retryDelayMs(policy, 2, () => 0.5)).toBe(1500);
  });

  it("refuses nonsense policies", () => {
    expect(retryPolicySchema.safeParse({ maxAttempts: 0 }).success).toBe(false);
    expect(retryPolicySchema.safeParse({ factor: 0.5 }).success).toBe(false);
    expect(retryPolicySchema.safeParse({ retries: 3 }).success).toBe(false);
  });
});
