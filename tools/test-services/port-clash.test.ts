import { describe, expect, it } from "vitest";
import { retryOnPortClash } from "./port-clash";

describe("retryOnPortClash", () => {
  it("starts again with new ports when another process took the port", async () => {
    let attempts = 0;
    const started = await retryOnPortClash("probe", () => {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error("Address already in use")) : Promise.resolve("up");
    });
    expect(started).toBe("up");
    expect(attempts).toBe(2);
  });

  it("does not retry other failures", async () => {
    let attempts = 0;
    await expect(
      retryOnPortClash("probe", () => {
        attempts += 1;
        return Promise.reject(new Error("permission denied"));
      }),
    ).rejects.toThrow("permission denied");
    expect(attempts).toBe(1);
  });

  it("gives up after the last attempt", async () => {
    let attempts = 0;
    await expect(
      retryOnPortClash(
        "probe",
        () => {
          attempts += 1;
          return Promise.reject(new Error("bind: EADDRINUSE"));
        },
        3,
      ),
    ).rejects.toThrow("EADDRINUSE");
    expect(attempts).toBe(3);
  });
});
