/**
 * Kafka topics come in two shapes: Google Cloud Managed Service for Apache Kafka topics and
 * topics made with the Kafka provider (Strimzi or any broker). Both are read into one view.
 */
import { record, stringMap, text, unknownKeys } from "../lib/values";
import { KAFKA_TOPIC, MANAGED_KAFKA_TOPIC } from "../resource-types";

/** Where each shape keeps the topic's name, partitions, replication and config (see TopicArgs). */
const FIELDS = {
  [MANAGED_KAFKA_TOPIC]: { name: "topicId", partitions: "partitionCount", replication: "replicationFactor", config: "configs" },
  [KAFKA_TOPIC]: { name: "name", partitions: "partitions", replication: "replicationFactor", config: "config" },
} as const;

export const TOPIC_TYPES = Object.keys(FIELDS);

export interface TopicView {
  readonly name: string | undefined;
  readonly partitions: unknown;
  readonly replication: unknown;
  readonly config: Readonly<Record<string, string>>;
  /** Config keys whose value is unknown during a preview. */
  readonly unknownConfig: readonly string[];
  /** Input names, for messages. */
  readonly fields: (typeof FIELDS)[keyof typeof FIELDS];
}

export function topicView(type: string, props: unknown): TopicView {
  const fields = FIELDS[type as keyof typeof FIELDS] ?? FIELDS[KAFKA_TOPIC];
  const topic = record(props);
  return {
    name: text(topic?.[fields.name]),
    partitions: topic?.[fields.partitions],
    replication: topic?.[fields.replication],
    config: stringMap(topic?.[fields.config]),
    unknownConfig: unknownKeys(topic?.[fields.config]),
    fields,
  };
}
