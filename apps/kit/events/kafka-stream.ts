/**
 * The stream on Kafka (kafkajs). Publishing waits for all in-sync replicas (acks -1) and retries
 * inside the client for a few seconds; a longer outage reaches the caller (the relay retries the
 * whole batch, the journal keeps it). Subscriptions commit a partition's offset only after the
 * batch was handled (no auto-commit), and reconnect when the broker comes back.
 */
import type * as KafkaJs from "kafkajs";
import type { DeliveredMessage, EventStream, StreamMessage, SubscribeOptions, Subscription } from "./stream";

/** Retries of the stream's clients: long enough to ride out a broker restart, short enough to surface an outage. */
const RETRY = { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 };

export function kafkaStream(kafka: KafkaJs.Kafka): EventStream {
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: RETRY });
  let connected: Promise<void> | undefined;
  const consumers = new Set<KafkaJs.Consumer>();
  const connect = () =>
    (connected ??= producer.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    }));

  return {
    async publish(topic: string, messages: readonly StreamMessage[]): Promise<void> {
      if (messages.length === 0) return;
      await connect();
      await producer.send({ topic, acks: -1, messages: messages.map((message) => ({ key: message.key, value: message.value, ...(message.headers ? { headers: { ...message.headers } } : {}) })) });
    },

    async subscribe(options: SubscribeOptions): Promise<Subscription> {
      const consumer = kafka.consumer({ groupId: options.group, retry: RETRY, allowAutoTopicCreation: false });
      consumers.add(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic: options.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
          const delivered: DeliveredMessage[] = batch.messages.map((message) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString() ?? "",
            value: message.value?.toString() ?? "",
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
          }));
          await options.onBatch(delivered);
          const last = batch.messages.at(-1)!.offset;
          payload.resolveOffset(last);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
          await payload.heartbeat();
        },
      });
      return {
        stop: async () => {
          consumers.delete(consumer);
          await consumer.disconnect();
        },
      };
    },

    async close(): Promise<void> {
      await Promise.allSettled([...consumers].map((consumer) => consumer.disconnect()));
      consumers.clear();
      await producer.disconnect();
    },
  };
}
