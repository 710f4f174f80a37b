/**
 * The in-memory twin of the Kafka stream, for fast unit tests and local end-to-end runs: the same
 * contract (per-key order through hashed partitions, per-group positions moved only after a batch
 * is handled, redelivery of an unacknowledged batch). `redeliver()` forces a group to read again
 * from an earlier position, as after a crash, to test duplicate handling.
 */
import { createHash } from "node:crypto";
import type { DeliveredMessage, EventStream, StreamMessage, SubscribeOptions, Subscription } from "./stream";

export interface MemoryStream extends EventStream {
  /** Every message of a topic in one partition, in order. */
  messages(topic: string, partition: number): readonly DeliveredMessage[];
  /** Moves `group`'s position on every partition of `topic` back by up to `count` messages. */
  redeliver(topic: string, group: string, count: number): void;
  /** Resolves once every subscription has handled every message published so far. */
  settled(): Promise<void>;
}

export function memoryStream(options: { partitions?: number; batchSize?: number } = {}): MemoryStream {
  const partitionCount = options.partitions ?? 3;
  const batchSize = options.batchSize ?? 100;
  const topics = new Map<string, DeliveredMessage[][]>();
  const positions = new Map<string, number[]>(); // `${topic}/${group}` -> next offset per partition
  const loops = new Set<{ wake(): void; idle: () => boolean; waiters: Array<() => void> }>();

  const partitionsOf = (topic: string) => {
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = Array.from({ length: partitionCount }, () => [])));
    return partitions;
  };
  const partitionFor = (key: string) => createHash("md5").update(key).digest().readUInt32BE(0) % partitionCount;
  const positionOf = (topic: string, group: string) => {
    const id = `${topic}/${group}`;
    let position = positions.get(id);
    if (!position) positions.set(id, (position = new Array<number>(partitionCount).fill(0)));
    return position;
  };

  return {
    async publish(topic: string, messages: readonly StreamMessage[]): Promise<void> {
      const partitions = partitionsOf(topic);
      for (const message of messages) {
        const partition = partitionFor(message.key);
        const log = partitions[partition]!;
        log.push({ ...message, topic, partition, offset: String(log.length) });
      }
      for (const loop of loops) loop.wake();
      await Promise.resolve();
    },

    subscribe(subscribe: SubscribeOptions): Promise<Subscription> {
      const partitions = partitionsOf(subscribe.topic);
      const position = positionOf(subscribe.topic, subscribe.group);
      let running = true;
      let wake: () => void = () => {};
      const loop = {
        wake: () => wake(),
        idle: () => partitions.every((log, partition) => position[partition]! >= log.length),
        waiters: [] as Array<() => void>,
      };
      loops.add(loop);
      const done = (async () => {
        while (running) {
          let delivered = false;
          for (let partition = 0; partition < partitionCount && running; partition++) {
            const from = position[partition]!;
            const batch = partitions[partition]!.slice(from, from + batchSize);
            if (batch.length === 0) continue;
            try {
              await subscribe.onBatch(batch);
              position[partition] = from + batch.length;
            } catch {
              // Not acknowledged: delivered again on the next pass, as Kafka would after a failed batch.
              await new Promise((resolve) => setTimeout(resolve, 10));
            }
            delivered = true;
          }
          if (!delivered) {
            for (const resolve of loop.waiters.splice(0)) resolve();
            await new Promise<void>((resolve) => (wake = resolve));
          }
        }
      })();
      return Promise.resolve({
        stop: async () => {
          running = false;
          wake();
          loops.delete(loop);
          await done;
          for (const resolve of loop.waiters.splice(0)) resolve();
        },
      });
    },

    messages: (topic, partition) => partitionsOf(topic)[partition] ?? [],

    redeliver(topic, group, count) {
      const position = positionOf(topic, group);
      for (let partition = 0; partition < partitionCount; partition++) position[partition] = Math.max(0, position[partition]! - count);
      for (const loop of loops) loop.wake();
    },

    async settled(): Promise<void> {
      await Promise.all([...loops].map((loop) => (loop.idle() ? Promise.resolve() : new Promise<void>((resolve) => loop.waiters.push(resolve)))));
    },

    close(): Promise<void> {
      for (const loop of loops) loop.wake();
      return Promise.resolve();
    },
  };
}
