/** Events: schemas, the journal (outbox), the relay, idempotent consumers, streams. See README.md. */
export { type CompatibilityProblem, compatibilityProblems, jsonSchemaOf } from "./compatibility";
export { type Consumer, type ConsumerOptions, createConsumer } from "./consumer";
export { type EventMetrics, eventMetrics } from "./event-metrics";
export { type IdempotentResult, idempotencyKey, runIdempotent } from "./idempotency";
export { JOURNAL_CHANNEL, type JournalledEvent, journalEvent } from "./journal";
export { kafkaStream } from "./kafka-stream";
export { type MemoryStream, memoryStream } from "./memory-stream";
export { PLATFORM_TOPICS, discoveryRegistrationTopic, flagsDefinitionTopic } from "./platform-topics";
export { type Relay, type RelayOptions, createRelay } from "./relay";
export { runConsumer, runRelay } from "./service-events";
export type { DeliveredMessage, EventStream, StreamMessage, SubscribeOptions, Subscription } from "./stream";
export { type Decoded, type DecodedEvent, type Envelope, type EventOf, type TopicDefinition, decodeEvent, defineTopic, envelopeSchema } from "./topic";
export { TOPIC_NAME, parseTopicName } from "./topic-name";
