/**
 * Writes exposure events to Kafka (flags.exposure.v1): JSON values keyed by flag and subject, so
 * one subject's events stay in order on one partition; acks from all in-sync replicas. Behind a
 * circuit breaker: when Kafka is down the caller gets an error at once (the SDKs keep their
 * batches and retry), and flag evaluation never waits for Kafka.
 */
import type { Producer } from "kafkajs";
import { type KitConfig, type ServiceKit, createKafka, rethrow } from "../kit/index";
import { type Exposure, exposureSubject } from "./model/exposure";

export type ExposurePublisher = (exposures: readonly Exposure[]) => Promise<void>;

export function kafkaExposurePublisher(kit: ServiceKit<KitConfig>, brokers: readonly string[], topic: string): ExposurePublisher {
  const producer: Producer = createKafka(brokers, { clientId: "flags", timeoutMs: kit.config.HEALTH_CHECK_TIMEOUT_MS, logger: kit.logger, auth: kit.config.KAFKA_AUTH }).producer({ allowAutoTopicCreation: false });
  const guard = kit.guard({ name: "kafka", timeoutMs: 5000, failureThreshold: 3, halfOpenAfterMs: 5000 });
  let connected: Promise<void> | undefined;
  kit.onShutdown(() => producer.disconnect());
  return (exposures) =>
    guard.execute(async () => {
      connected ??= producer.connect().catch((error: unknown) => {
        connected = undefined;
        throw error;
      });
      await connected;
      await producer.send({ topic, acks: -1, messages: exposures.map((exposure) => ({ key: `${exposure.flag}:${exposureSubject(exposure)}`, value: JSON.stringify(exposure) })) });
    }, rethrow);
}
