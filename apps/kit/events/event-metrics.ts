/**
 * The events module's Prometheus metrics, registered once per registry (a service's, or a test's):
 * the relay's publish lag and the consumers' outcomes, effect delay and poison events.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface EventMetrics {
  /** Age of the oldest journal row not yet published, in seconds (0 when the journal is drained). */
  readonly publishLag: Gauge<"database">;
  readonly published: Counter<"topic">;
  /** Journal write to Kafka acknowledgement. */
  readonly publishDelay: Histogram<"topic">;
  readonly consumed: Counter<"consumer" | "topic" | "outcome">;
  /** Journal write to the consumer's committed effect. */
  readonly effectDelay: Histogram<"consumer" | "topic">;
  readonly poison: Gauge<"consumer" | "topic">;
}

const byRegistry = new WeakMap<Registry, EventMetrics>();
const DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function eventMetrics(registry: Registry): EventMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics) return metrics;
  const registers = [registry];
  metrics = {
    publishLag: new Gauge({ name: "armature_events_publish_lag_seconds", help: "Age of the oldest journal row not yet published to the stream (0: all published).", labelNames: ["database"] as const, registers }),
    published: new Counter({ name: "armature_events_published_total", help: "Journal rows published to the stream (a republished row counts again).", labelNames: ["topic"] as const, registers }),
    publishDelay: new Histogram({ name: "armature_events_publish_delay_seconds", help: "From journal write to the stream's acknowledgement.", labelNames: ["topic"] as const, buckets: DELAY_BUCKETS, registers }),
    consumed: new Counter({ name: "armature_events_consumed_total", help: "Events delivered to a consumer, by outcome: applied, duplicate (already applied), skipped (unknown type), poison.", labelNames: ["consumer", "topic", "outcome"] as const, registers }),
    effectDelay: new Histogram({ name: "armature_events_effect_delay_seconds", help: "From journal write to the consumer's committed effect.", labelNames: ["consumer", "topic"] as const, buckets: DELAY_BUCKETS, registers }),
    poison: new Gauge({ name: "armature_events_poison", help: "Poison events recorded by the consumer (poison_events) that no operator has cleared.", labelNames: ["consumer", "topic"] as const, registers }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
