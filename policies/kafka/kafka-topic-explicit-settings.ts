/** Partitions and retention are decisions, not broker defaults that differ between clusters. */
import { resourcePolicy } from "../policy";
import { kafkaDocs } from "../sources";
import { TOPIC_TYPES, topicView } from "./topics";

export const kafkaTopicExplicitSettings = resourcePolicy({
  name: "kafka-topic-explicit-settings",
  description: "Kafka topics set their partitions and retention (retention.ms) explicitly.",
  severity: "low",
  remediationSteps: 'Set the partition count and add "retention.ms" to the topic config (armature:kafka.topics[].partitions and retentionHours).',
  framework: kafkaDocs("topicconfigs", "Topic-level configs: partitions and retention.ms set explicitly"),
  tags: ["kafka"],
  appliesTo: TOPIC_TYPES,
  validate: (props, args, report) => {
    const topic = topicView(args.type, props);
    if (typeof topic.partitions !== "number") report(`Topic ${topic.name ?? args.name} takes the broker's default partition count: set ${topic.fields.partitions}.`);
    if (!topic.config["retention.ms"] && !topic.unknownConfig.includes("retention.ms")) report(`Topic ${topic.name ?? args.name} takes the broker's default retention: set "retention.ms" in ${topic.fields.config}.`);
  },
});
