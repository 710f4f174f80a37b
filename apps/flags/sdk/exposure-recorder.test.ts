import { describe, expect, it } from "vitest";
import { createLogger } from "../../kit/logger";
import { discardLogs } from "../../kit/testing/log-capture";
import type { Exposure } from "../model/exposure";
import { ExposureRecorder } from "./exposure-recorder";

const logger = createLogger({ service: "test", version: "0", level: "fatal", format: "json", destination: discardLogs() });
const exposure = (userId: string, variant = "red"): Exposure => ({ id: crypto.randomUUID(), at: new Date().toISOString(), flag: "f", environment: "prod", enabled: true, variant, reason: "SPLIT", userId, flagSetVersion: 1 });

describe("ExposureRecorder", () => {
  it("records one exposure per subject and answer, in batches", async () => {
    const batches: Exposure[][] = [];
    const recorder = new ExposureRecorder({ sink: (batch) => Promise.resolve(void batches.push([...batch])), maxBatch: 2, flushIntervalMs: 60_000, logger });
    for (const [user, variant] of [["u1", "red"], ["u1", "red"], ["u2", "red"], ["u1", "black"], ["u3", "red"]] as const) recorder.record(`${user}:${variant}`, () => exposure(user, variant));
    await recorder.close();
    expect(batches.map((batch) => batch.map((event) => `${event.userId}:${event.variant}`))).toEqual([["u1:red", "u2:red"], ["u1:black", "u3:red"]]);
  });

  it("keeps exposures while the sink fails, sends them once it works, and drops the oldest beyond its bound", async () => {
    let failing = true;
    const sent: Exposure[] = [];
    const recorder = new ExposureRecorder({
      sink: (batch) => {
        if (failing) return Promise.reject(new Error("kafka down"));
        sent.push(...batch);
        return Promise.resolve();
      },
      maxBuffered: 3,
      flushIntervalMs: 60_000,
      logger,
    });
    for (const user of ["u1", "u2", "u3", "u4"]) recorder.record(user, () => exposure(user));
    await recorder.flush();
    expect([recorder.pending, recorder.dropped, sent.length]).toEqual([3, 1, 0]);
    failing = false;
    await recorder.close();
    expect(sent.map((event) => event.userId)).toEqual(["u2", "u3", "u4"]);
  });
});
