/**
 * Everything one tenant needs, from one config entry (docs/architecture.md#tenants): a namespace
 * at the restricted Pod Security level, a ResourceQuota and LimitRange sized by tier, a default-deny
 * network fence with explicit allows, a Kubernetes service account bound through Workload Identity to
 * the tenant's own GCP service account, the tenant's own database and role on the shared Postgres, a
 * Kafka topic prefix with ACLs, a Vault mount, policy and login role, and a KMS key for data at rest.
 * Every object carries the tenant's labels and references nothing of another tenant.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vault from "@pulumi/vault";
import type { KafkaCluster } from "../kafka/kafka";
import type { PostgresInstance } from "../postgres/postgres";
import type { PostgresDatabase } from "../postgres/postgres-database";
import { POSTGRES_CA_CONFIG_MAP, createPostgresCaConfigMap } from "../postgres/server-ca";
import { argChecker } from "../shared/arg-error";
import { RESTRICTED_POD_SECURITY, invalidLabels } from "../shared/kubernetes";
import { KIT_PORT } from "../shared/kit-contract";
import { GATEWAY_ACCESS_LABEL, TENANT_NAMESPACE_LABEL, createNetworkPolicies } from "../shared/network-policies";
import { serviceAccountId } from "../shared/naming";
import type { Labels } from "../shared/types";
import { workloadIdentityMember } from "../shared/workload-identity";
import { type OrgBranch, type OrgBranchSpec, branchLabels, flattenBranches } from "./org-branches";
import { type TenantNetworkArgs, tenantNetworkPolicies } from "./tenant-network-policies";
import { DEFAULT_CONTAINER, TIER_SIZES, type TenantTier } from "./tenant-tiers";

export interface TenantVaultArgs {
  readonly provider: vault.Provider;
  /** Mount path of Vault's Kubernetes auth method for the services cluster. */
  readonly kubernetesAuthPath: pulumi.Input<string>;
}

export interface TenantArgs {
  /** 2-20 lowercase letters, digits and '-'. Names the namespace, accounts, database and topic prefix. */
  readonly id: string;
  readonly displayName: string;
  readonly tier: TenantTier;
  readonly branches: readonly OrgBranchSpec[];
  /** The tenant's labels (team, tenant = id, environment, ...), on every object. */
  readonly labels: Labels;
  /** Prefix of project-wide ids, e.g. "armature-dev". */
  readonly namePrefix: string;
  readonly project: string;
  readonly region: string;
  /** The services cluster's provider and Workload Identity pool. */
  readonly provider: k8s.Provider;
  readonly workloadPool: string;
  readonly postgres: PostgresInstance;
  readonly kafka: KafkaCluster;
  /**
   * Vault's API side (the stack's Vault configuration stage). Absent while that stage is pending:
   * the tenant then gets no mount, policy or role yet (components/vault/README.md, "Two stages").
   */
  readonly vault?: TenantVaultArgs;
  readonly network: Omit<TenantNetworkArgs, "appPort"> & { readonly appPort?: number };
  /** Default true: the KMS key is `protect`ed (destroying it makes the tenant's encrypted data unreadable). */
  readonly deletionProtection?: boolean;
  /** Rotation of the tenant's data key. Default 90 days. */
  readonly keyRotationPeriod?: string;
}

export const TENANT_ID = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;
/** Roles the tenant's GCP service account holds on its own data key, and nothing wider. */
export const TENANT_KEY_ROLES = ["roles/cloudkms.cryptoKeyEncrypterDecrypter"] as const;

export class Tenant extends pulumi.ComponentResource {
  readonly id: string;
  readonly namespaceName: string;
  readonly namespace: k8s.core.v1.Namespace;
  readonly kubernetesServiceAccountName: string;
  readonly gcpServiceAccount: gcp.serviceaccount.Account;
  readonly database: PostgresDatabase;
  /** Secret `database`, key DATABASE_URL, in the tenant namespace. */
  readonly databaseUrlSecret: { readonly name: string; readonly key: string };
  /** ConfigMap `postgres-server-ca` in the tenant namespace: the server CA the URL's sslrootcert names, and the server's name (README). */
  readonly databaseCaConfigMap: string;
  readonly topicPrefix: string;
  readonly vaultPath: string;
  readonly vaultPolicyName: string;
  readonly cryptoKeyId: pulumi.Output<string>;
  /** Every organisation branch, with its path from the root and its descendants. */
  readonly branches: Readonly<Record<string, OrgBranch>>;

  constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:tenants:Tenant", name, {}, opts);
    validate(name, args);
    const id = args.id;
    const labels = { ...args.labels };
    const k8sChild = { parent: this, provider: args.provider };
    const child = { parent: this };
    this.id = id;
    this.namespaceName = `tenant-${id}`;
    this.kubernetesServiceAccountName = id;
    this.topicPrefix = `${id}.`;
    this.vaultPath = `tenants/${id}`;
    this.vaultPolicyName = `tenant-${id}`;
    this.branches = flattenBranches(args.branches);
    const roots = Object.values(this.branches).filter((branch) => branch.parent === undefined);
    const rootLabels = Object.assign({}, ...roots.map((root) => branchLabels(root))) as Record<string, string>;
    delete rootLabels["armature.dev/branch"];

    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: this.namespaceName,
        labels: { ...labels, ...RESTRICTED_POD_SECURITY, ...rootLabels, [GATEWAY_ACCESS_LABEL]: "true", [TENANT_NAMESPACE_LABEL]: "true" },
        annotations: { "armature.dev/display-name": args.displayName, "armature.dev/tier": args.tier },
      },
    }, k8sChild);
    const inNamespace = (objectName: string) => ({ name: objectName, namespace: this.namespace.metadata.name, labels });

    const size = TIER_SIZES[args.tier];
    new k8s.core.v1.ResourceQuota(`${name}-quota`, { metadata: inNamespace("tenant-quota"), spec: { hard: { ...size.quota } } }, k8sChild);
    new k8s.core.v1.LimitRange(`${name}-limits`, {
      metadata: inNamespace("tenant-limits"),
      spec: {
        limits: [
          { type: "Container", defaultRequest: { ...DEFAULT_CONTAINER.request }, default: { ...DEFAULT_CONTAINER.limit }, max: { ...size.maxContainer } },
          { type: "PersistentVolumeClaim", max: { storage: size.maxVolume } },
        ],
      },
    }, k8sChild);
    createNetworkPolicies(name, this.namespace.metadata.name, labels, tenantNetworkPolicies({ ...args.network, appPort: args.network.appPort ?? KIT_PORT }), k8sChild);
    new k8s.core.v1.ConfigMap(`${name}-org-branches`, {
      metadata: inNamespace("org-branches"),
      data: { "branches.json": JSON.stringify(Object.values(this.branches), null, 2) },
    }, k8sChild);

    // Identity: a GCP service account per tenant, reached from the namespace through Workload Identity.
    this.gcpServiceAccount = new gcp.serviceaccount.Account(`${name}-tenant`, {
      accountId: serviceAccountId(args.namePrefix, `t-${id}`),
      displayName: `Tenant ${args.displayName}`,
    }, child);
    const email = this.gcpServiceAccount.email;
    new k8s.core.v1.ServiceAccount(`${name}-workload`, {
      metadata: { ...inNamespace(this.kubernetesServiceAccountName), annotations: { "iam.gke.io/gcp-service-account": email } },
      automountServiceAccountToken: false,
    }, k8sChild);
    new gcp.serviceaccount.IAMMember(`${name}-workload-identity`, {
      serviceAccountId: this.gcpServiceAccount.name,
      role: "roles/iam.workloadIdentityUser",
      member: workloadIdentityMember(args.workloadPool, this.namespaceName, this.kubernetesServiceAccountName),
    }, child);

    // Data at rest: the tenant's own key. Key rings can never be deleted, hence the random suffix.
    const suffix = new random.RandomId(`${name}-keyring-suffix`, { byteLength: 3 }, child);
    const keyRing = new gcp.kms.KeyRing(`${name}-data`, { name: pulumi.interpolate`${args.namePrefix}-tenant-${id}-${suffix.hex}`, location: args.region }, child);
    const cryptoKey = new gcp.kms.CryptoKey(`${name}-data`, {
      name: "tenant-data",
      keyRing: keyRing.id,
      purpose: "ENCRYPT_DECRYPT",
      rotationPeriod: args.keyRotationPeriod ?? "7776000s",
      labels,
    }, { parent: this, protect: args.deletionProtection ?? true });
    this.cryptoKeyId = cryptoKey.id;
    for (const role of TENANT_KEY_ROLES) {
      new gcp.kms.CryptoKeyIAMMember(`${name}-data-${role.split(".")[1]}`, { cryptoKeyId: cryptoKey.id, role, member: pulumi.interpolate`serviceAccount:${email}` }, child);
    }

    // Postgres: the tenant's database and role; the URL reaches pods only through a Secret, and names
    // the server's CA file, which pods mount from the namespace's postgres-server-ca ConfigMap.
    this.database = args.postgres.addDatabase(`${name}-database`, { database: `tenant_${id.replace(/-/g, "_")}`, iamServiceAccounts: { [id]: email } }, { parent: this });
    this.databaseUrlSecret = { name: "database", key: "DATABASE_URL" };
    new k8s.core.v1.Secret(`${name}-database`, {
      metadata: inNamespace(this.databaseUrlSecret.name),
      type: "Opaque",
      stringData: { [this.databaseUrlSecret.key]: this.database.connectionUrl },
    }, k8sChild);
    this.databaseCaConfigMap = POSTGRES_CA_CONFIG_MAP;
    createPostgresCaConfigMap(`${name}-postgres-ca`, this.namespace.metadata.name, args.postgres.serverCa, labels, k8sChild);

    // Kafka: topics and consumer groups under "<id>." only.
    args.kafka.grantTopicPrefix(name, { prefix: this.topicPrefix, principal: email }, { parent: this });

    // Vault: a KV v2 mount of its own, a policy for it alone, and a login role for the tenant's service account.
    if (args.vault) this.configureVault(name, id, args.vault);

    new k8s.core.v1.ConfigMap(`${name}-profile`, {
      metadata: inNamespace("tenant-profile"),
      data: {
        TENANT_ID: id,
        TENANT_TIER: args.tier,
        KAFKA_TOPIC_PREFIX: this.topicPrefix,
        VAULT_PATH: this.vaultPath,
        VAULT_ROLE: `tenant-${id}`,
        KMS_KEY: cryptoKey.id,
        GCP_SERVICE_ACCOUNT: email,
        DATABASE_NAME: this.database.databaseName,
        DATABASE_TLS_SERVER_NAME: args.postgres.tlsServerName,
      },
    }, k8sChild);

    this.registerOutputs({ namespace: this.namespaceName, gcpServiceAccount: email, topicPrefix: this.topicPrefix, vaultPath: this.vaultPath });
  }

  private configureVault(name: string, id: string, access: TenantVaultArgs): void {
    const vaultChild = { parent: this, provider: access.provider };
    const mount = new vault.Mount(`${name}-secrets`, {
      path: this.vaultPath,
      type: "kv",
      options: { version: "2" },
      description: `Secrets of tenant ${id}`,
    }, vaultChild);
    const policy = new vault.Policy(`${name}-secrets`, { name: this.vaultPolicyName, policy: vaultPolicy(this.vaultPath) }, { ...vaultChild, dependsOn: [mount] });
    new vault.kubernetes.AuthBackendRole(`${name}-secrets`, {
      backend: access.kubernetesAuthPath,
      roleName: `tenant-${id}`,
      boundServiceAccountNames: [this.kubernetesServiceAccountName],
      boundServiceAccountNamespaces: [this.namespaceName],
      // Pods log in with a projected token for Vault, not the (unmounted) API token.
      audience: "vault",
      tokenPolicies: [policy.name],
      tokenTtl: 3600,
      tokenMaxTtl: 14_400,
    }, vaultChild);
  }

  /** Labels of an object that belongs to one of this tenant's branches (and so to all its ancestors). */
  labelsForBranch(branchId: string): Labels {
    const branch = this.branches[branchId];
    if (!branch) throw new Error(`tenant ${this.id} has no organisation branch ${branchId}; it has ${Object.keys(this.branches).join(", ")}`);
    return branchLabels(branch);
  }
}

/** Read and write under the tenant's own mount; nothing else. */
export function vaultPolicy(path: string): string {
  return [
    `path "${path}/data/*" {`,
    `  capabilities = ["create", "read", "update", "delete", "list"]`,
    `}`,
    `path "${path}/metadata/*" {`,
    `  capabilities = ["read", "list", "delete"]`,
    `}`,
    "",
  ].join("\n");
}

function validate(name: string, args: TenantArgs): void {
  const check = argChecker("Tenant", name);
  check(TENANT_ID.test(args.id), "id", `${JSON.stringify(args.id)} is not 2-20 lowercase letters, digits and '-'`, "use a short id such as acme (it names the namespace, accounts and topic prefix)");
  check(args.labels["tenant"] === args.id, "labels.tenant", `${JSON.stringify(args.labels["tenant"])} is not the tenant id ${args.id}`, "build the labels with the tenant's id, e.g. platformLabels(config, tenant.id)");
  check(Object.hasOwn(TIER_SIZES, args.tier), "tier", `${JSON.stringify(args.tier)} is not a tier`, `use one of ${Object.keys(TIER_SIZES).join(", ")}`);
  check(args.branches.length > 0, "branches", "empty", "give the tenant at least one organisation branch");
  try {
    flattenBranches(args.branches);
  } catch (error) {
    check(false, "branches", (error as Error).message, "give every branch a unique id within the tenant");
  }
  const bad = invalidLabels(args.labels);
  check(bad.length === 0, "labels", `Kubernetes refuses ${bad.join(", ")}`, "use label values Kubernetes accepts");
}
