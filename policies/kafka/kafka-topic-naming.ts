/** `<domain>.<entity>.v<N>`: consumers find topics by name, and a breaking change is a new version. */
import { resourcePolicy } from "../policy";
import { armatureConvention } from "../sources";
import { TOPIC_TYPES, topicView } from "./topics";

/** An optional tenant prefix (a tenant's own topics), then domain, entity and version. */
export const TOPIC_NAME = /^(?:[a-z][a-z0-9-]*\.)?[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9]\d*$/;

export const kafkaTopicNaming = resourcePolicy({
  name: "kafka-topic-naming",
  description: "Kafka topics are named <domain>.<entity>.v<N> (optionally prefixed with the tenant).",
  severity: "medium",
  remediationSteps: 'Rename the topic to <domain>.<entity>.v<N>, for example "discovery.service-change.v1".',
  framework: armatureConvention("kafka-topic-names", "topics named <domain>.<entity>.v<N>"),
  tags: ["kafka"],
  appliesTo: TOPIC_TYPES,
  validate: (props, args, report) => {
    const topic = topicView(args.type, props);
    if (topic.name !== undefined && !TOPIC_NAME.test(topic.name)) report(`Topic "${topic.name}" does not follow <domain>.<entity>.v<N>.`);
    if (topic.name === undefined) report(`The topic has no explicit name: set ${topic.fields.name}.`);
  },
});
