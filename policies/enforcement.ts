/**
 * Enforcement per stack, in the awsguard style: `{ all: "mandatory", "<policy id>": "advisory" }`.
 * The environment of the stack (`armature:environment`) picks a profile: prod makes every policy
 * mandatory; dev relaxes what the stack config itself lets dev choose (deletion protection off,
 * zonal or basic data services, fewer Kafka replicas); ephemeral pull-request stacks also relax
 * availability (single replicas, zonal clusters, no persistence). The CLI reads the same profiles
 * from enforcement/<environment>.json through `--policy-pack-config`.
 */
import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import type { ArmaturePolicy } from "./policy";
import { record } from "./lib/values";

export const ENVIRONMENTS = ["dev", "prod", "ephemeral"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The pack's level when no profile is given: fail closed, as in prod. */
export const PACK_ENFORCEMENT: EnforcementLevel = "mandatory";

const DEV_RELAXED = [
  "gke-deletion-protection",
  "sql-deletion-protection",
  "sql-high-availability",
  "redis-high-availability",
  "kafka-topic-replication",
] as const;

const EPHEMERAL_RELAXED = [
  ...DEV_RELAXED,
  "gke-regional",
  "gke-maintenance-window",
  "sql-backups-pitr",
  "sql-maintenance-window",
  "redis-persistence",
  "redis-maintenance-policy",
  "k8s-min-replicas",
  "k8s-pod-disruption-budget",
  "k8s-topology-spread",
] as const;

function relaxing(ids: readonly string[]): PolicyPackConfig {
  return { all: "mandatory", ...Object.fromEntries(ids.map((id) => [id, "advisory"])) };
}

export const ENFORCEMENT: Readonly<Record<Environment, PolicyPackConfig>> = {
  prod: { all: "mandatory" },
  dev: relaxing(DEV_RELAXED),
  ephemeral: relaxing(EPHEMERAL_RELAXED),
};

/** The stack's environment from its config; an unknown or missing one is treated as prod. */
export function environmentOf(config: Readonly<Record<string, string>>): Environment {
  const value = config["armature:environment"];
  return (ENVIRONMENTS as readonly string[]).includes(value ?? "") ? (value as Environment) : "prod";
}

/** The level a policy runs at under `config`, resolved as the Pulumi CLI does. */
export function enforcementOf(policy: ArmaturePolicy, config: PolicyPackConfig): EnforcementLevel {
  const own = config[policy.name];
  const level = levelOf(own) ?? levelOf(config["all"]) ?? policy.enforcementLevel ?? PACK_ENFORCEMENT;
  return level === "remediate" ? "mandatory" : level;
}

function levelOf(entry: PolicyPackConfig[string] | undefined): EnforcementLevel | undefined {
  return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

/** The policy's config: its schema's defaults, overridden by the profile's entry for it. */
export function policyConfigOf(policy: ArmaturePolicy, config: PolicyPackConfig): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {}).flatMap(([key, schema]) => {
      const value = record(schema)?.["default"];
      return value === undefined ? [] : [[key, value]];
    }),
  );
  const own = config[policy.name];
  const { enforcementLevel: _level, ...overrides } = typeof own === "object" ? own : {};
  return { ...defaults, ...overrides };
}
