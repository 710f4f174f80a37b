/**
 * The template for per-pull-request stacks (`pr-<n>`): the dev stack's config, made smaller and
 * cheaper (spot capacity, zonal data services, no deletion protection) and tagged with a TTL so
 * the reaper can remove it. `npm run plan -- pr-<n>` uses it when there is no Pulumi.pr-<n>.yaml.
 */

export const EPHEMERAL_BASE_STACK = "dev";
export const EPHEMERAL_TTL_HOURS = 72;

type ConfigValues = Readonly<Record<string, unknown>>;
type Mapping = Record<string, unknown>;

export function deriveEphemeralConfig(base: ConfigValues, pullRequest: number): Record<string, unknown> {
  const clusters = mapping(base["armature:clusters"]);
  const services = mapping(clusters["services"]);
  const workers = mapping(clusters["workers"]);
  const { onDemandPool: _unusedWorkerOnDemand, ...spotOnlyWorkers } = workers;
  return {
    ...base,
    "armature:environment": "ephemeral",
    "armature:deletionProtection": false,
    "armature:ephemeral": { pullRequest, ttlHours: EPHEMERAL_TTL_HOURS },
    "armature:clusters": {
      ...clusters,
      services: {
        ...services,
        onDemandPool: { ...mapping(services["onDemandPool"]), minNodesPerZone: 1, maxNodesPerZone: 1 },
        spotPool: { ...mapping(services["spotPool"]), minNodesPerZone: 0, maxNodesPerZone: 2 },
      },
      workers: { ...spotOnlyWorkers, spotPool: { ...mapping(workers["spotPool"]), minNodesPerZone: 0, maxNodesPerZone: 1 } },
    },
    "armature:postgres": { ...mapping(base["armature:postgres"]), tier: "db-custom-1-3840", diskSizeGb: 10, availability: "ZONAL" },
    "armature:redis": { ...mapping(base["armature:redis"]), tier: "BASIC", memorySizeGb: 1 },
    "armature:kafka": { ...mapping(base["armature:kafka"]), vcpuCount: 3, memoryGb: 3 },
  };
}

function mapping(value: unknown): Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Mapping) : {};
}
