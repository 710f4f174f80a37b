/** The in-memory stream keeps the Kafka stream's contract: per-key order, positions moved only after a handled batch, redelivery. */
import { describe, expect, it } from "vitest";
import { memoryStream } from "./memory-stream";
import type { DeliveredMessage } from "./stream";

describe("memoryStream", () => {
  it("delivers each key's messages in order, and a failed batch again", async () => {
    const stream = memoryStream({ partitions: 3, batchSize: 4 });
    const seen: DeliveredMessage[] = [];
    let failures = 1;
    const subscription = await stream.subscribe({
      topic: "test.order.v1",
      group: "g",
      onBatch: (batch) => {
        if (failures-- > 0) return Promise.reject(new Error("not this time"));
        seen.push(...batch);
        return Promise.resolve();
      },
    });
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 5}`, value: String(i) }));
    await stream.publish("test.order.v1", messages);
    await stream.settled();
    await subscription.stop();
    expect(seen).toHaveLength(60);
    for (let key = 0; key < 5; key++) {
      const values = seen.filter((message) => message.key === `k${key}`).map((message) => Number(message.value));
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(new Set(seen.filter((message) => message.key === `k${key}`).map((message) => message.partition)).size).toBe(1);
    }
  });

  it("keeps each group's position, and redeliver() moves it back", async () => {
    const stream = memoryStream({ partitions: 1 });
    await stream.publish("test.replay.v1", [1, 2, 3].map((n) => ({ key: "k", value: String(n) })));
    const seen: string[] = [];
    const subscription = await stream.subscribe({ topic: "test.replay.v1", group: "g", onBatch: (batch) => Promise.resolve(void seen.push(...batch.map((message) => message.value))) });
    await stream.settled();
    stream.redeliver("test.replay.v1", "g", 2);
    await stream.settled();
    await subscription.stop();
    expect(seen).toEqual(["1", "2", "3", "2", "3"]);
    const later: string[] = [];
    const again = await stream.subscribe({ topic: "test.replay.v1", group: "g", onBatch: (batch) => Promise.resolve(void later.push(...batch.map((message) => message.value))) });
    await stream.settled();
    await again.stop();
    expect(later).toEqual([]);
  });
});
