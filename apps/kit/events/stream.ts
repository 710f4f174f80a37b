/**
 * The stream interface the relay writes to and consumers read from. Two implementations: Kafka
 * (kafka-stream.ts) in the platform and integration tests, and an in-memory twin (memory-stream.ts)
 * with the same delivery contract for fast unit tests.
 *
 * Contract: messages of one key keep their order (one partition per key); a subscription delivers
 * batches per partition and moves the group's position past a batch only after `onBatch` resolved,
 * so delivery is at least once: a crash or rebalance redelivers the unacknowledged batch.
 */
export interface StreamMessage {
  readonly key: string;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DeliveredMessage extends StreamMessage {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition, a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
}

export interface SubscribeOptions {
  readonly topic: string;
  /** The consumer group: members share the partitions, and the group's position is kept. */
  readonly group: string;
  /** Handles one partition's batch; the position moves past it only once this resolves. */
  onBatch(messages: readonly DeliveredMessage[]): Promise<void>;
}

export interface Subscription {
  /** Stops fetching; resolves once the batch in hand is handled. */
  stop(): Promise<void>;
}

export interface EventStream {
  /** Resolves once the stream has every message durably (Kafka: acknowledged by all in-sync replicas). */
  publish(topic: string, messages: readonly StreamMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
