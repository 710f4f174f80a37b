import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { type MockRuntime, useMockRuntime, valueOf } from "../shared/mock-runtime";
import { GkeCluster, type GkeClusterArgs } from "./gke-cluster";

let mocks: MockRuntime;
beforeAll(async () => {
  mocks = await useMockRuntime();
});

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const FIREWALL = "gcp:compute/firewall:Firewall";

const args = (overrides: Partial<GkeClusterArgs> = {}): GkeClusterArgs => ({
  namePrefix: "armature-test",
  project: "my-project",
  region: "europe-west1",
  network: "net-id",
  subnetwork: "subnet-id",
  podsRangeName: "services-pods",
  servicesRangeName: "services-services",
  masterCidr: "172.16.0.0/28",
  masterAuthorizedNetworks: [{ cidr: "10.200.0.0/16", displayName: "vpn" }],
  nodePools: [
    { name: "on-demand", machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3 },
    { name: "spot", machineType: "e2-standard-4", minNodesPerZone: 0, maxNodesPerZone: 5, spot: true },
  ],
  labels: { team: "platform", environment: "test" },
  ...overrides,
});

describe("GkeCluster", () => {
  it("applies the secure defaults to the cluster", async () => {
    new GkeCluster("defaults", args());
    await mocks.settle();
    const cluster = mocks.named(CLUSTER, "defaults").inputs;
    expect(cluster).toMatchObject({
      name: "armature-test-defaults",
      location: "europe-west1",
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true, masterIpv4CidrBlock: "172.16.0.0/28" },
      masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "10.200.0.0/16", displayName: "vpn" }], gcpPublicCidrsAccessEnabled: false },
      workloadIdentityConfig: { workloadPool: "my-project.svc.id.goog" },
      enableShieldedNodes: true,
      releaseChannel: { channel: "REGULAR" },
      datapathProvider: "ADVANCED_DATAPATH",
      binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
      gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
      monitoringConfig: { managedPrometheus: { enabled: true } },
      maintenancePolicy: { recurringWindow: { recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" } },
      deletionProtection: true,
      resourceLabels: { team: "platform", environment: "test" },
      nodeConfig: { workloadMetadataConfig: { mode: "GKE_METADATA" } },
    });
    const account = mocks.named("gcp:serviceaccount/account:Account", "defaults-nodes").inputs;
    expect(account.accountId).toBe("armature-test-defaults-nodes");
    const roles = mocks.ofType("gcp:projects/iAMMember:IAMMember").filter((member) => member.name.startsWith("defaults-nodes-"));
    expect(roles.map((member) => String(member.inputs.role)).sort()).toEqual(["roles/artifactregistry.reader", "roles/container.defaultNodeServiceAccount"]);
    expect(cluster.nodeConfig.serviceAccount).toBe("armature-test-defaults-nodes@mock-project.iam.gserviceaccount.com");
  });

  it("gives every pool the node defaults, and taints the spot pool", async () => {
    new GkeCluster("pools", args());
    await mocks.settle();
    const onDemand = mocks.named(NODE_POOL, "pools-on-demand").inputs;
    const spot = mocks.named(NODE_POOL, "pools-spot").inputs;
    for (const pool of [onDemand, spot]) {
      expect(pool).toMatchObject({
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          workloadMetadataConfig: { mode: "GKE_METADATA" },
          serviceAccount: "armature-test-pools-nodes@mock-project.iam.gserviceaccount.com",
          resourceLabels: { team: "platform" },
        },
      });
    }
    expect(onDemand.nodeConfig.spot).toBe(false);
    expect(onDemand.nodeConfig.taints).toEqual([]);
    expect(onDemand.autoscaling).toMatchObject({ minNodeCount: 1, maxNodeCount: 3 });
    expect(spot.nodeConfig.spot).toBe(true);
    expect(spot.nodeConfig.taints).toEqual([{ key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" }]);
  });

  it("outputs its service-account token issuer, the OIDC issuer GKE puts in tokens' iss", async () => {
    const cluster = new GkeCluster("issuer", args());
    const name = await valueOf(cluster.clusterName);
    expect(await valueOf(cluster.serviceAccountIssuer)).toBe(`https://container.googleapis.com/v1/projects/my-project/locations/europe-west1/clusters/${name}`);
  });

  it("outputs a Kubernetes provider whose kubeconfig uses gke-gcloud-auth-plugin", async () => {
    const cluster = new GkeCluster("provider", args());
    const kubeconfig = parse(await valueOf(cluster.kubeconfig));
    expect(kubeconfig.clusters[0].cluster.server).toBe("https://172.16.0.2");
    expect(kubeconfig.clusters[0].cluster["certificate-authority-data"]).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(kubeconfig.users[0].user.exec).toMatchObject({ command: "gke-gcloud-auth-plugin", provideClusterInfo: true });
    expect(JSON.stringify(kubeconfig.users)).not.toMatch(/token|password|client-key/);
    await mocks.settle();
    const provider = mocks.named("pulumi:providers:kubernetes", "provider-k8s");
    expect(provider.inputs.kubeconfig).toContain("gke-gcloud-auth-plugin");
    expect(cluster.provider).toBeInstanceOf(pulumi.ProviderResource);
    expect(cluster.workloadIdentityMember("vault", "vault")).toBe("serviceAccount:my-project.svc.id.goog[vault/vault]");
  });

  it("honours overrides", async () => {
    new GkeCluster("override", args({
      releaseChannel: "STABLE",
      binaryAuthorization: "DISABLED",
      managedPrometheus: false,
      deletionProtection: false,
      privateEndpoint: false,
      nodePools: [{ name: "big", machineType: "n2-standard-8", minNodesPerZone: 2, maxNodesPerZone: 4, diskSizeGb: 200, maxSurge: 2 }],
    }));
    await mocks.settle();
    const cluster = mocks.named(CLUSTER, "override").inputs;
    expect(cluster.releaseChannel).toEqual({ channel: "STABLE" });
    expect(cluster.binaryAuthorization).toEqual({ evaluationMode: "DISABLED" });
    expect(cluster.monitoringConfig.managedPrometheus).toEqual({ enabled: false });
    expect(cluster.deletionProtection).toBe(false);
    expect(cluster.privateClusterConfig.enablePrivateEndpoint).toBe(false);
    const pool = mocks.named(NODE_POOL, "override-big").inputs;
    expect(pool.nodeConfig).toMatchObject({ machineType: "n2-standard-8", diskSizeGb: 200 });
    expect(pool.upgradeSettings).toMatchObject({ maxSurge: 2, maxUnavailable: 0 });
  });

  it("lets the private control plane reach admission webhooks on its nodes, and only there", async () => {
    new GkeCluster("hooks", args());
    new GkeCluster("hooks-keda", args({ controlPlaneWebhookPorts: ["6443", "9443"] }));
    new GkeCluster("hooks-none", args({ controlPlaneWebhookPorts: [] }));
    new GkeCluster("hooks-public", args({ privateNodes: false, masterCidr: undefined }));
    await mocks.settle();
    expect(mocks.named(FIREWALL, "hooks-webhooks").inputs).toMatchObject({
      network: "net-id",
      direction: "INGRESS",
      sourceRanges: ["172.16.0.0/28"],
      allows: [{ protocol: "tcp", ports: ["8443", "9443", "15017"] }],
    });
    expect(mocks.named(FIREWALL, "hooks-webhooks").inputs.targetServiceAccounts).toHaveLength(1);
    expect(mocks.named(FIREWALL, "hooks-keda-webhooks").inputs.allows).toEqual([{ protocol: "tcp", ports: ["6443", "9443"] }]);
    const names = mocks.ofType(FIREWALL).map((rule) => rule.name);
    expect(names).not.toContain("hooks-none-webhooks");
    expect(names).not.toContain("hooks-public-webhooks");
    expect(() => new GkeCluster("hooks-bad", args({ controlPlaneWebhookPorts: ["https"] }))).toThrow(
      /GkeCluster "hooks-bad": Args\.controlPlaneWebhookPorts\[0\]: "https" is not a port or port range/,
    );
  });

  it("refuses a spot-only services cluster unless allowed", async () => {
    const spotOnly = [{ name: "spot", machineType: "e2-standard-4", minNodesPerZone: 0, maxNodesPerZone: 5, spot: true }];
    expect(() => new GkeCluster("spot-only", args({ nodePools: spotOnly }))).toThrow(
      /GkeCluster "spot-only": Args\.nodePools: every pool is spot.*Fix: add an on-demand pool \(spot: false\), or set allowSpotOnly: true/,
    );
    new GkeCluster("spot-allowed", args({ nodePools: spotOnly, allowSpotOnly: true }));
    await mocks.settle();
    expect(mocks.named(NODE_POOL, "spot-allowed-spot").inputs.nodeConfig.spot).toBe(true);
  });

  it("refuses a private cluster without a /28 master CIDR", () => {
    expect(() => new GkeCluster("no-master", args({ masterCidr: undefined }))).toThrow(
      /GkeCluster "no-master": Args\.masterCidr: missing, but privateNodes is true.*Fix: set masterCidr to an unused \/28/,
    );
    expect(() => new GkeCluster("bad-master", args({ masterCidr: "172.16.0.0/24" }))).toThrow(/Args\.masterCidr: "172\.16\.0\.0\/24" is not a \/28/);
  });

  it("refuses public authorized networks, untainted spot pools and impossible pools", () => {
    expect(() => new GkeCluster("public", args({ masterAuthorizedNetworks: [{ cidr: "0.0.0.0/0" }] }))).toThrow(
      /Args\.masterAuthorizedNetworks\[0\]\.cidr: "0\.0\.0\.0\/0" is not a private/,
    );
    const untainted = [...args().nodePools.slice(0, 1), { name: "spot", machineType: "e2-standard-4", minNodesPerZone: 0, maxNodesPerZone: 2, spot: true, taints: [] }];
    expect(() => new GkeCluster("untainted", args({ nodePools: untainted }))).toThrow(/Args\.nodePools\[1\]\.taints: a spot pool without a taint/);
    const inverted = [{ name: "pool", machineType: "e2-standard-4", minNodesPerZone: 4, maxNodesPerZone: 2 }];
    expect(() => new GkeCluster("inverted", args({ nodePools: inverted }))).toThrow(/Args\.nodePools\[0\]\.minNodesPerZone: 4 is above maxNodesPerZone \(2\)/);
    expect(() => new GkeCluster("endpoint", args({ privateNodes: false, privateEndpoint: true }))).toThrow(/Args\.privateEndpoint: true while privateNodes is false/);
  });
});
