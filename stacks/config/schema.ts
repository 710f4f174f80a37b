/**
 * The shape of an Armature stack's config: every `armature:*` key in `Pulumi.<stack>.yaml`.
 *
 * Each custom message is phrased as the *expectation* ("an IPv4 CIDR block such as ..."), because
 * issues.ts renders every problem as `<key path>: found <value>, expected <message>`.
 * Rules that relate several keys to each other live in rules.ts.
 */
import { z } from "zod";
import { TOPIC_NAME } from "../../components/kafka/topic-name";
import { parseCidr } from "../../components/shared/cidr";
import { DOMAIN_NAME } from "../../components/shared/domain-name";
import { COLOURS } from "../../components/blue-green-service/colours";
import { CONTRACT_STATES } from "../../components/blue-green-service/contract";
import { TENANT_TIERS } from "../../components/tenant/tenant-tiers";
import { PLATFORM_APPS, type PlatformApp } from "../../components/platform-apps/app-names";
import { authorisationConfig } from "./authorisation";

export const ENVIRONMENTS = ["dev", "prod", "ephemeral"] as const;
export const RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"] as const;
export const WORKER_PLACEMENTS = ["separate-cluster", "services-cluster-pool"] as const;

export type Environment = (typeof ENVIRONMENTS)[number];
export type Colour = (typeof COLOURS)[number];
export type TenantTier = (typeof TENANT_TIERS)[number];

const cidr = z
  .string({ error: "an IPv4 CIDR block such as 10.0.0.0/16" })
  .refine((value) => parseCidr(value) !== undefined, {
    error: "an IPv4 CIDR block such as 10.0.0.0/16 (a network address with a prefix of 0-32)",
  });

/** GCP label values: lowercase letters, digits, '_' and '-', at most 63 characters. */
const labelValue = z
  .string({ error: "a GCP label value (lowercase letters, digits, '_' or '-')" })
  .regex(/^[a-z0-9_-]{1,63}$/, { error: "a GCP label value (lowercase letters, digits, '_' or '-', 1-63 chars)" });

/** Lowercase DNS-label ids: they become namespace, service-account and database names. */
const resourceId = (what: string, maxLength: number) =>
  z
    .string({ error: `${what}: lowercase letters, digits and '-'` })
    .regex(new RegExp(`^[a-z][a-z0-9-]{0,${maxLength - 2}}[a-z0-9]$`), {
      error: `${what}: 2-${maxLength} lowercase letters, digits and '-', starting with a letter`,
    });

const int = (min: number, max: number) =>
  z.number({ error: `a whole number from ${min} to ${max}` }).int({ error: `a whole number from ${min} to ${max}` })
    .min(min, { error: `a whole number from ${min} to ${max}` })
    .max(max, { error: `a whole number from ${min} to ${max}` });

const gcp = z.strictObject({
  project: z
    .string({ error: "a GCP project id" })
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: "a GCP project id (6-30 lowercase letters, digits or '-')" }),
  region: z
    .string({ error: "a GCP region such as europe-west1" })
    .regex(/^[a-z]+-[a-z]+\d{1,2}$/, { error: "a GCP region such as europe-west1" }),
});

const owner = z.strictObject({
  team: labelValue,
  costCentre: labelValue.optional(),
});

const network = z.strictObject({
  nodes: cidr,
  pods: cidr,
  services: cidr,
  workerNodes: cidr.optional(),
  workerPods: cidr.optional(),
  workerServices: cidr.optional(),
  proxyOnly: cidr,
  privateServiceAccess: cidr,
  servicesMaster: cidr,
  workersMaster: cidr.optional(),
  /** Who may reach the private control planes besides the nodes themselves (VPN, CI runners). */
  masterAuthorizedCidrs: z.array(cidr).default([]),
});

const nodePool = z.strictObject({
  machineType: z
    .string({ error: "a GCE machine type such as e2-standard-4" })
    .regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, { error: "a GCE machine type such as e2-standard-4" }),
  minNodesPerZone: int(0, 100),
  maxNodesPerZone: int(1, 100),
  diskSizeGb: int(20, 2000).default(100),
});

const clusters = z.strictObject({
  services: z.strictObject({
    releaseChannel: z.enum(RELEASE_CHANNELS).default("REGULAR"),
    onDemandPool: nodePool,
    spotPool: nodePool,
  }),
  workers: z.strictObject({
    placement: z.enum(WORKER_PLACEMENTS).default("separate-cluster"),
    releaseChannel: z.enum(RELEASE_CHANNELS).default("REGULAR"),
    spotPool: nodePool,
    onDemandPool: nodePool.optional(),
  }),
});

const postgres = z.strictObject({
  version: z
    .string({ error: "a Cloud SQL Postgres version such as POSTGRES_17" })
    .regex(/^POSTGRES_1[4-8]$/, { error: "a Cloud SQL Postgres version from POSTGRES_14 to POSTGRES_18" }),
  tier: z
    .string({ error: "a Cloud SQL tier such as db-custom-2-8192" })
    .regex(/^db-(custom-\d+-\d+|perf-optimized-N-\d+|g1-small|f1-micro)$/, {
      error: "a Cloud SQL tier such as db-custom-2-8192",
    }),
  diskSizeGb: int(10, 65536),
  availability: z.enum(["REGIONAL", "ZONAL"]).default("REGIONAL"),
});

const redis = z.strictObject({
  tier: z.enum(["STANDARD_HA", "BASIC"]).default("STANDARD_HA"),
  memorySizeGb: int(1, 300),
  version: z
    .string({ error: "a Memorystore version such as REDIS_7_2" })
    .regex(/^REDIS_[67]_\d$/, { error: "a Memorystore version such as REDIS_7_2" }),
});

const kafkaTopic = z.strictObject({
  name: z
    .string({ error: "a topic name <domain>.<entity>.v<N>" })
    .regex(TOPIC_NAME, { error: "a topic name <domain>.<entity>.v<N> such as discovery.service.v1" }),
  partitions: int(1, 1000),
  replication: int(1, 5).default(3),
  retentionHours: int(1, 24 * 365),
  /** Platform apps that write to the topic; each gets a Kafka ACL for exactly that. */
  producers: z.array(z.enum(PLATFORM_APPS)).default([]),
  /** Platform apps that read the topic (from consumer groups named after themselves). */
  consumers: z.array(z.enum(PLATFORM_APPS)).default([]),
});

const kafka = z.strictObject({
  vcpuCount: int(3, 1000),
  memoryGb: int(3, 8000),
  topics: z.array(kafkaTopic).default([]),
});

/** Stages of Vault's API-side configuration (components/vault/README.md, "Two stages"). */
export const VAULT_CONFIGURATION_STAGES = ["pending", "applied"] as const;

const vault = z.strictObject({
  replicas: int(3, 7),
  chartVersion: z
    .string({ error: "a Helm chart version such as 0.31.0" })
    .regex(/^\d+\.\d+\.\d+$/, { error: "a Helm chart version such as 0.31.0" }),
  /**
   * The second stage, Vault's API side (audit device, Kubernetes auth, tenants' mounts, policies and
   * roles): "pending" until Vault is initialised and a token is at hand, then "applied". Default
   * "applied", so a stack that already configured Vault never drops that configuration on upgrade.
   */
  configuration: z.enum(VAULT_CONFIGURATION_STAGES, { error: `one of ${VAULT_CONFIGURATION_STAGES.map((stage) => `"${stage}"`).join(", ")}` }).default("applied"),
  /** Where Pulumi reaches Vault's API to configure tenants' mounts, policies and roles. Default: the in-cluster address. */
  apiAddress: z
    .string({ error: "an https URL such as https://vault.internal.example.com:8200" })
    .regex(/^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/, { error: "an https URL such as https://vault.internal.example.com:8200" })
    .optional(),
});

/**
 * Where a Helm chart the platform installs comes from: `repository` (a mirror) or `path` (a chart
 * folder in this repository, relative to Pulumi.yaml). Exactly one (rules.ts); unset, the upstream
 * repository.
 */
const chartSource = z.strictObject({
  repository: z
    .string({ error: "an https URL of a Helm repository such as https://charts.example.internal/hashicorp" })
    .regex(/^https:\/\/\S+$/, { error: "an https URL of a Helm repository such as https://charts.example.internal/hashicorp" })
    .optional(),
  path: z
    .string({ error: "a chart folder relative to Pulumi.yaml, such as charts/vault" })
    .regex(/^(?!\/)(?!(.*\/)?\.\.(\/|$))[A-Za-z0-9._/-]+$/, {
      error: "a chart folder relative to Pulumi.yaml, inside the project (no leading '/', no '..'), such as charts/vault",
    })
    .optional(),
});

/** The Helm charts the program installs, by name. */
export const CHART_NAMES = ["vault", "keda"] as const;
const charts = z.strictObject(Object.fromEntries(CHART_NAMES.map((name) => [name, chartSource.optional()])) as Record<(typeof CHART_NAMES)[number], z.ZodOptional<typeof chartSource>>);

/** How the Kubernetes provider treats the objects it applies. */
const kubernetes = z.strictObject({
  /**
   * Default true: `pulumi up` waits until Deployments, Jobs and the Helm release are ready. Only a
   * test stack on a control plane without nodes turns it off (rules.ts refuses false in prod).
   */
  awaitReadiness: z.boolean({ error: "true or false" }).optional(),
});

export interface OrgBranch {
  id: string;
  name?: string | undefined;
  children?: OrgBranch[] | undefined;
}

const orgBranch: z.ZodType<OrgBranch> = z.strictObject({
  id: resourceId("a branch id", 30),
  name: z.string().min(1).optional(),
  get children() {
    return z.array(orgBranch).optional();
  },
});

const tenant = z.strictObject({
  /** Becomes part of GCP service-account ids (max 30 chars with a prefix), so it stays short. */
  id: resourceId("a tenant id", 20),
  displayName: z.string({ error: "a display name" }).min(1, { error: "a non-empty display name" }),
  tier: z.enum(TENANT_TIERS, { error: `a tenant tier: one of ${TENANT_TIERS.join(", ")}` }),
  team: labelValue.optional(),
  branches: z.array(orgBranch).min(1, { error: "at least one organisation branch" }),
});

/**
 * A pinned image reference: a tag (never `latest`), a sha256 digest, or a tag pinned by its digest
 * (`1.4.2@sha256:<64 hex>`: the image is `<registry>/<app>:1.4.2@sha256:...`, which pulls by digest
 * and keeps the release's name readable; the Artifact Registry repository's tags are immutable too).
 */
const IMAGE_VERSION_HINT = "a pinned image tag such as 1.4.2, a tag pinned by digest such as 1.4.2@sha256:<64 hex>, or a digest sha256:<64 hex>";
const imageVersion = z
  .string({ error: IMAGE_VERSION_HINT })
  .regex(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?)$/, { error: IMAGE_VERSION_HINT })
  .refine((value) => value.split("@")[0] !== "latest", { error: "a pinned image tag such as 1.4.2 ('latest' is not pinned)" });

const appVersions = z.strictObject(
  Object.fromEntries(PLATFORM_APPS.map((app) => [app, imageVersion])) as Record<PlatformApp, typeof imageVersion>,
);

const apps = z.strictObject({
  registry: z
    .string({ error: "an image registry path such as europe-west1-docker.pkg.dev/my-project/platform" })
    .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, {
      error: "an image registry path such as europe-west1-docker.pkg.dev/my-project/platform",
    }),
  activeColour: z.enum(COLOURS, { error: "the colour that receives traffic: blue or green" }),
  releases: z.strictObject({ blue: appVersions, green: appVersions }),
  /**
   * Where the release stands with its contract (post-deploy) migration, after the switch
   * (components/blue-green-service/README.md, "Releasing"). Default pending.
   */
  contract: z.enum(CONTRACT_STATES, { error: `a contract state: one of ${CONTRACT_STATES.join(", ")}` }).optional(),
  /**
   * Health's active colour scales on its consumer group's lag on the topic it consumes (the topic with
   * health among its consumers). Defaults: 500 messages behind per replica, at most 6 replicas.
   */
  healthScaling: z
    .strictObject({
      lagPerReplica: int(1, 1_000_000).optional(),
      maxReplicas: int(2, 100).optional(),
    })
    .optional(),
  /** The apps answer on https://<app>.<gatewayDomain> inside the VPC. Default platform.armature.internal. */
  gatewayDomain: z
    .string({ error: "a lowercase DNS name such as platform.example.internal" })
    .regex(DOMAIN_NAME, {
      error: "a lowercase DNS name of two or more labels such as platform.example.internal (no trailing dot)",
    })
    .optional(),
});

const ephemeral = z.strictObject({
  pullRequest: int(1, 10_000_000),
  ttlHours: int(1, 24 * 14),
});

/** Plain (non-secret) keys. Secret keys are declared in secrets.ts and never parsed here. */
export const stackConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS, { error: `an environment: one of ${ENVIRONMENTS.join(", ")}` }),
  gcp,
  owner,
  deletionProtection: z.boolean({ error: "true or false" }),
  network,
  clusters,
  postgres,
  redis,
  kafka,
  vault,
  charts: charts.optional(),
  kubernetes: kubernetes.optional(),
  tenants: z.array(tenant).min(1, { error: "at least one tenant" }),
  authorisation: authorisationConfig.optional(),
  apps,
  ephemeral: ephemeral.optional(),
});

export type PlainStackConfig = z.infer<typeof stackConfigSchema>;
export type NetworkConfig = PlainStackConfig["network"];
export type NodePoolConfig = z.infer<typeof nodePool>;
export type TenantConfig = PlainStackConfig["tenants"][number];
export type KafkaTopicConfig = z.infer<typeof kafkaTopic>;
export type AppVersions = z.infer<typeof appVersions>;
export type ChartSourceConfig = z.infer<typeof chartSource>;
