/**
 * Health's consumer-lag scaling from the stack config: the topic health consumes (the one with health
 * among its consumers, discovery.registration.v1 in dev) and `armature:apps.healthScaling`.
 */
import { DEFAULT_HEALTH_LAG_PER_REPLICA, DEFAULT_HEALTH_MAX_REPLICAS, HEALTH_MIN_REPLICAS } from "../../components/platform-apps/health-lag-scaling";
import { type ConfigProblem, problem } from "./problems";
import type { KafkaTopicConfig, PlainStackConfig } from "./schema";

export interface HealthScalingConfig {
  readonly topic: KafkaTopicConfig;
  readonly lagPerReplica: number;
  readonly maxReplicas: number;
}

/** The topic health consumes, with its index in armature:kafka.topics; undefined when it consumes none. */
function healthTopic(config: PlainStackConfig): { topic: KafkaTopicConfig; index: number } | undefined {
  const index = config.kafka.topics.findIndex((topic) => topic.consumers.includes("health"));
  return index === -1 ? undefined : { topic: config.kafka.topics[index]!, index };
}

/**
 * What health scales on, with defaults: the default maximum is capped at the topic's partitions
 * (more consumers than partitions sit idle). Undefined when health consumes no topic.
 */
export function healthScalingOf(config: PlainStackConfig): HealthScalingConfig | undefined {
  const found = healthTopic(config);
  if (!found) return undefined;
  const set = config.apps.healthScaling;
  return {
    topic: found.topic,
    lagPerReplica: set?.lagPerReplica ?? DEFAULT_HEALTH_LAG_PER_REPLICA,
    maxReplicas: set?.maxReplicas ?? Math.max(HEALTH_MIN_REPLICAS, Math.min(DEFAULT_HEALTH_MAX_REPLICAS, found.topic.partitions)),
  };
}

export function healthScalingProblems(config: PlainStackConfig): ConfigProblem[] {
  const set = config.apps.healthScaling;
  if (!set) return [];
  const found = healthTopic(config);
  if (!found) {
    return [problem(["apps", "healthScaling"], set, "no healthScaling while no armature:kafka.topics entry lists health among its consumers (add health to discovery.registration.v1's consumers, or remove this key)")];
  }
  const { topic, index } = found;
  if (set.maxReplicas !== undefined && set.maxReplicas > topic.partitions) {
    return [problem(["apps", "healthScaling", "maxReplicas"], set.maxReplicas, `at most ${topic.partitions}, the partitions of ${topic.name} (armature:kafka.topics[${index}].partitions): more consumers than partitions sit idle; lower it or add partitions`)];
  }
  return [];
}
