/**
 * The dev stack's whole program under the mock runtime, in process (one plan per test file: Pulumi's
 * runtime is global): every component with its children, the secure defaults in the inputs, outputs
 * wired between components, and no generated secret anywhere in the plan text.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { AnalyzedResource } from "../tools/plan/analyzer";
import { generatedSecrets } from "../components/shared/mock-outputs";
import type { PlanDocument, PlannedResource } from "../tools/plan/plan-document";
import { planDevStack, withVaultConfigured } from "../tools/plan/testing";

let document: PlanDocument;
let analyzed: readonly AnalyzedResource[];

// With Vault's second stage applied, so the plan holds Vault's API side too (vault-stage-plan.test.ts
// plans the committed file, where it is pending).
beforeAll(async () => {
  ({ document, resources: analyzed } = await planDevStack(withVaultConfigured));
}, 60_000);

const ofType = (type: string) => document.resources.filter((resource) => resource.type === type);
const one = (type: string, name: string): PlannedResource => {
  const found = ofType(type).find((resource) => resource.name === name);
  if (!found) throw new Error(`the dev plan has no ${type} named ${name}`);
  return found;
};
const analyzedOf = (resource: PlannedResource) => analyzed.find((candidate) => candidate.urn === resource.urn)!;

describe("the dev plan", () => {
  it("turns Vault's audit log on: a file audit device on the audit volume the chart mounts at /vault/audit", () => {
    const [audit, ...others] = ofType("vault:index/audit:Audit");
    expect(others).toEqual([]);
    expect(audit!.inputs).toMatchObject({ type: "file", path: "file", options: { file_path: expect.stringMatching(/^\/vault\/audit\/[^/]+\.log$/) } });
    // The provider's token comes from VAULT_TOKEN at `pulumi up`, never from the stack.
    expect(Object.keys(one("pulumi:providers:vault", "vault").inputs).filter((key) => /^token/i.test(key))).toEqual([]);
    const release = ofType("kubernetes:helm.sh/v3:Release").find((candidate) => candidate.name === "vault")!;
    expect(release.inputs["values"]).toMatchObject({ server: { auditStorage: { enabled: true } } });
  });

  it("includes every platform component, each with its children", () => {
    const components = {
      "armature:network:Network": "platform",
      "armature:gke:GkeCluster": "services",
      "armature:gke:WorkerCluster": "workers",
      "armature:postgres:PostgresInstance": "postgres",
      "armature:redis:Redis": "redis",
      "armature:kafka:KafkaCluster": "kafka",
      "armature:vault:Vault": "vault",
    };
    for (const [type, name] of Object.entries(components)) {
      const component = one(type, name);
      const children = document.resources.filter((resource) => resource.parent === component.urn);
      expect(children.length, `${type} ${name} has no children`).toBeGreaterThan(0);
    }
    expect(ofType("armature:postgres:PostgresDatabase").map((database) => database.name).sort()).toEqual(["acme-database", "db-discovery", "db-flags", "db-health", "db-worker", "globex-database"]);
    // The separate worker cluster is a GkeCluster inside the WorkerCluster.
    const workerCluster = one("armature:gke:GkeCluster", "workers");
    expect(workerCluster.parent).toBe(one("armature:gke:WorkerCluster", "workers").urn);
  });

  it("shows the GKE defaults: private nodes and endpoint, Workload Identity, release channel, binary authorization", () => {
    for (const name of ["services", "workers"]) {
      expect(one("gcp:container/cluster:Cluster", name).inputs).toMatchObject({
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true },
        workloadIdentityConfig: { workloadPool: "armature-dev-4821.svc.id.goog" },
        releaseChannel: { channel: "REGULAR" },
        binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
        datapathProvider: "ADVANCED_DATAPATH",
        removeDefaultNodePool: true,
      });
    }
    expect(one("gcp:container/cluster:Cluster", "services").inputs["privateClusterConfig"]).toMatchObject({ masterIpv4CidrBlock: "172.16.0.0/28" });
    expect(one("gcp:container/nodePool:NodePool", "services-spot").inputs).toMatchObject({
      nodeConfig: { spot: true, taints: [{ key: "cloud.google.com/gke-spot", effect: "NO_SCHEDULE" }] },
    });
  });

  it("shows the Cloud SQL defaults: no public IP, REGIONAL, backups with PITR, SSL required", () => {
    expect(one("gcp:sql/databaseInstance:DatabaseInstance", "postgres").inputs).toMatchObject({
      settings: {
        ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" },
        availabilityType: "REGIONAL",
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
        databaseFlags: expect.arrayContaining([{ name: "cloudsql.iam_authentication", value: "on" }]),
      },
    });
  });

  it("shows the Redis defaults: AUTH and transit encryption on private services access", () => {
    expect(one("gcp:redis/instance:Instance", "redis").inputs).toMatchObject({
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      connectMode: "PRIVATE_SERVICE_ACCESS",
      tier: "STANDARD_HA",
    });
  });

  it("wires outputs between components: network → clusters → data services, cluster provider → Vault", () => {
    const network = analyzedOf(one("gcp:compute/network:Network", "platform"));
    const peering = analyzedOf(one("gcp:servicenetworking/connection:Connection", "platform-private-services"));
    const servicesSubnet = analyzedOf(one("gcp:compute/subnetwork:Subnetwork", "platform-services"));
    const cluster = analyzedOf(one("gcp:container/cluster:Cluster", "services"));
    expect(cluster.dependencies).toEqual(expect.arrayContaining([network.urn, servicesSubnet.urn]));
    for (const [type, name] of [["gcp:sql/databaseInstance:DatabaseInstance", "postgres"], ["gcp:redis/instance:Instance", "redis"]] as const) {
      const data = analyzedOf(one(type, name));
      expect(data.dependencies, name).toEqual(expect.arrayContaining([network.urn, peering.urn]));
    }
    expect(analyzedOf(one("gcp:managedkafka/cluster:Cluster", "kafka")).dependencies).toContain(servicesSubnet.urn);

    const provider = analyzedOf(one("pulumi:providers:kubernetes", "services-k8s"));
    expect(provider.dependencies).toContain(cluster.urn);
    for (const [type, name] of [["kubernetes:helm.sh/v3:Release", "vault"], ["kubernetes:core/v1:Namespace", "vault-namespace"]] as const) {
      expect(analyzedOf(one(type, name)).provider, name).toMatch(new RegExp(`^${escape(provider.urn)}::`));
    }
    const gcpProvider = analyzedOf(one("pulumi:providers:gcp", "gcp"));
    expect(analyzedOf(one("gcp:sql/databaseInstance:DatabaseInstance", "postgres")).provider).toMatch(new RegExp(`^${escape(gcpProvider.urn)}::`));
  });

  it("creates nothing inside the components before the Google APIs are enabled", () => {
    const apis = ofType("gcp:projects/service:Service").map((api) => api.urn);
    expect(apis.length).toBeGreaterThan(0);
    for (const [type, name] of [
      ["gcp:compute/network:Network", "platform"],
      ["gcp:container/cluster:Cluster", "services"],
      ["gcp:managedkafka/cluster:Cluster", "kafka"],
      ["gcp:kms/keyRing:KeyRing", "vault-unseal"],
      ["gcp:serviceaccount/account:Account", "app-discovery"],
    ] as const) {
      expect(analyzedOf(one(type, name)).dependencies, `${type} ${name}`).toEqual(expect.arrayContaining(apis));
    }
  });

  it("keeps secrets secret: no generated password, AUTH string or key appears in the plan JSON", () => {
    expect(generatedSecrets.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(document);
    for (const secret of generatedSecrets) expect(text.includes(secret), "a generated secret leaked into the plan").toBe(false);
    expect(one("gcp:sql/databaseInstance:DatabaseInstance", "postgres").inputs["rootPassword"]).toBe("[secret]");
    for (const user of ofType("gcp:sql/user:User").filter((candidate) => candidate.inputs["type"] === "BUILT_IN")) {
      expect(user.inputs["password"], user.name).toBe("[secret]");
    }
    expect(one("kubernetes:core/v1:Secret", "vault-tls").inputs["stringData"]).toBe("[secret]");
    expect(JSON.stringify(one("kubernetes:helm.sh/v3:Release", "vault").inputs)).not.toContain("PRIVATE KEY");
  });

  it("labels every labelable resource with team, tenant and environment", () => {
    const labelled = document.resources.flatMap((resource) => {
      const inputs = resource.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- provider inputs of every shape
      const labels = inputs["labels"] ?? inputs["resourceLabels"] ?? inputs["settings"]?.userLabels ?? inputs["nodeConfig"]?.resourceLabels;
      return resource.type.startsWith("gcp:") && labels !== undefined ? [[resource, labels] as const] : [];
    });
    expect(labelled.length).toBeGreaterThanOrEqual(10);
    // A tenant's resources carry its id and team; everything else is the shared platform's.
    const teams: Record<string, string> = { platform: "platform", acme: "acme-eng", globex: "globex-eng" };
    const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
    const tenantOf = (resource: PlannedResource | undefined): string =>
      !resource ? "platform" : resource.type === "armature:tenants:Tenant" ? resource.name : tenantOf(resource.parent ? byUrn.get(resource.parent) : undefined);
    for (const [resource, labels] of labelled) {
      const tenant = tenantOf(resource);
      expect(labels, `${resource.type} ${resource.name}`).toMatchObject({ team: teams[tenant], tenant, environment: "dev" });
    }
    for (const type of ["gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool", "gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance", "gcp:managedkafka/cluster:Cluster", "gcp:kms/cryptoKey:CryptoKey", "gcp:compute/globalAddress:GlobalAddress"]) {
      expect(labelled.some(([resource]) => resource.type === type), `${type} carries no labels`).toBe(true);
    }
  });

  it("names project-wide ids after the stack, so stacks can share a project", () => {
    for (const account of ofType("gcp:serviceaccount/account:Account")) {
      expect(String(account.inputs["accountId"]), account.name).toMatch(/^armature-dev-/);
    }
    expect(String(one("gcp:kms/keyRing:KeyRing", "vault-unseal").inputs["name"])).toMatch(/^armature-dev-vault-[0-9a-f]+$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
