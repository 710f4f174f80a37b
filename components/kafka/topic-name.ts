/** `<domain>.<entity>.v<N>`: the platform's topic naming rule, shared by the config schema and KafkaCluster. */
export const TOPIC_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9]\d*$/;
