/**
 * The events module inside a service: the relay of its journal, or a consumer of a topic, on the
 * service's Kafka (KAFKA_AUTH), metrics registry and shutdown. The relay stops before the pools
 * close (closers run last-added first); a consumer finishes its micro-batch in hand.
 */
import type pg from "pg";
import type { KitConfig } from "../config";
import { createKafka } from "../dependencies";
import type { ServiceKit } from "../service";
import { type Consumer, type ConsumerOptions, createConsumer } from "./consumer";
import { kafkaStream } from "./kafka-stream";
import { type Relay, createRelay } from "./relay";
import type { EventStream } from "./stream";
import type { TopicDefinition } from "./topic";

function serviceStream(kit: ServiceKit<KitConfig>, brokers: readonly string[], clientId: string): EventStream {
  const stream = kafkaStream(createKafka(brokers, { clientId, timeoutMs: kit.config.HEALTH_CHECK_TIMEOUT_MS, logger: kit.logger, auth: kit.config.KAFKA_AUTH }));
  kit.onShutdown(() => stream.close());
  return stream;
}

/** Relays the journal of the service's database (`pool`) to Kafka from now until shutdown. */
export function runRelay(kit: ServiceKit<KitConfig>, options: { pool: pg.Pool; brokers: readonly string[]; database: string }): Relay {
  const stream = serviceStream(kit, options.brokers, `${options.database}-relay`);
  const relay = createRelay({ pool: options.pool, stream, logger: kit.logger, registry: kit.metrics.registry, database: options.database });
  kit.onShutdown(() => relay.stop());
  void relay.start();
  return relay;
}

/**
 * Consumes `topic` into the service's database from now until shutdown, with the `events:poison`
 * check on the service's health (it warns; it never fails readiness).
 */
export function runConsumer<T extends TopicDefinition>(
  kit: ServiceKit<KitConfig>,
  options: Omit<ConsumerOptions<T>, "stream" | "logger" | "registry"> & { brokers: readonly string[] },
): Consumer {
  const stream = serviceStream(kit, options.brokers, options.name);
  const consumer = createConsumer({ ...options, stream, logger: kit.logger, registry: kit.metrics.registry });
  kit.addCheck(consumer.healthCheck(kit.config.HEALTH_CHECK_TIMEOUT_MS));
  kit.onShutdown(() => consumer.stop());
  consumer.start().catch((error: unknown) => kit.logger.error({ err: error }, `${options.name}: consuming ${options.topic.name} failed to start`));
  return consumer;
}
