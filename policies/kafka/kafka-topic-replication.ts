/** Three replicas, one per zone: a broker or a zone can go without losing data. */
import { resourcePolicy } from "../policy";
import { kafkaDocs } from "../sources";
import { TOPIC_TYPES, topicView } from "./topics";

export const kafkaTopicReplication = resourcePolicy({
  name: "kafka-topic-replication",
  description: "Kafka topics keep at least 3 replicas.",
  severity: "high",
  remediationSteps: "Set the topic's replication factor to 3 (armature:kafka.topics[].replication).",
  framework: kafkaDocs("replication", "Replication: replication factor of 3"),
  tags: ["kafka", "resilience"],
  appliesTo: TOPIC_TYPES,
  validate: (props, args, report) => {
    const topic = topicView(args.type, props);
    if (typeof topic.replication !== "number" || topic.replication < 3) {
      report(`Topic ${topic.name ?? args.name} keeps fewer than 3 copies: ${topic.fields.replication} is ${typeof topic.replication === "number" ? topic.replication : "not set"}.`);
    }
  },
});
