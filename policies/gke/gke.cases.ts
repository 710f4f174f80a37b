/** Passing and violating examples of every GKE cluster and node pool policy. */
import { clusterArgs, nodePoolArgs } from "../fixtures/compliant-parts";
import { GKE_CLUSTER, GKE_NODE_POOL } from "../resource-types";
import { type PolicyCases, type ResourceSpec, resource, set, stack, unset } from "../testing/examples";
import { gkeBinaryAuthorization } from "./gke-binary-authorization";
import { gkeClientCertificateDisabled } from "./gke-client-certificate-disabled";
import { gkeDataplaneV2 } from "./gke-dataplane-v2";
import { gkeDeletionProtection } from "./gke-deletion-protection";
import { gkeGatewayApi } from "./gke-gateway-api";
import { gkeLegacyAbacDisabled } from "./gke-legacy-abac-disabled";
import { gkeLoggingMonitoring } from "./gke-logging-monitoring";
import { gkeMaintenanceWindow } from "./gke-maintenance-window";
import { gkeManagedPrometheus } from "./gke-managed-prometheus";
import { gkeMasterAuthorizedNetworks } from "./gke-master-authorized-networks";
import { gkeNodePoolAutoRepair } from "./gke-node-pool-auto-repair";
import { gkeNodePoolAutoUpgrade } from "./gke-node-pool-auto-upgrade";
import { gkeNodePoolCosImage } from "./gke-node-pool-cos-image";
import { gkeNodePoolMetadataServer } from "./gke-node-pool-metadata-server";
import { gkeNodePoolPrivateNodes } from "./gke-node-pool-private-nodes";
import { gkeNodePoolSecureBoot } from "./gke-node-pool-secure-boot";
import { gkeNodePoolServiceAccount } from "./gke-node-pool-service-account";
import { gkeNodePoolSurgeUpgrade } from "./gke-node-pool-surge-upgrade";
import { gkePrivateEndpoint } from "./gke-private-endpoint";
import { gkePrivateNodes } from "./gke-private-nodes";
import { gkeRegional } from "./gke-regional";
import { gkeReleaseChannel } from "./gke-release-channel";
import { gkeRemoveDefaultNodePool } from "./gke-remove-default-node-pool";
import { gkeShieldedNodes } from "./gke-shielded-nodes";
import { gkeSpotPoolTainted } from "./gke-spot-pool-tainted";
import { gkeWorkloadIdentity } from "./gke-workload-identity";

const CLUSTER = clusterArgs("projects/p/global/networks/vpc", "projects/p/regions/europe-west1/subnetworks/nodes");
const POOL = nodePoolArgs("services", "gke-nodes@armature-dev-4821.iam.gserviceaccount.com");
const cluster = (name: string, inputs: object = CLUSTER) => resource(name, { type: GKE_CLUSTER, inputs });
const pool = (name: string, inputs: object = POOL) => resource(name, { type: GKE_NODE_POOL, inputs });
const compliantCluster = cluster("the compliant cluster");
const compliantPool = pool("the compliant node pool");
const TAINTED_SPOT = set(set(POOL, "nodeConfig.spot", true), "nodeConfig.taints", [{ key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" }]);
const WORKER_TAINT = { key: "armature.dev/workload", value: "worker", effect: "NO_SCHEDULE" };
/** A cluster and its pools (pool-0, pool-1...), each pool depending on the cluster as component code makes it. */
const inCluster = (...pools: object[]): ResourceSpec[] => [
  { type: GKE_CLUSTER, name: "services", inputs: CLUSTER },
  ...pools.map((inputs, index) => ({ type: GKE_NODE_POOL, name: `pool-${index}`, inputs, dependsOn: ["services"] })),
];

export const gkeCases: readonly PolicyCases[] = [
  {
    policy: gkePrivateNodes,
    passes: [compliantCluster],
    violations: [cluster("private nodes off", set(CLUSTER, "privateClusterConfig.enablePrivateNodes", false)), cluster("no private cluster config", unset(CLUSTER, "privateClusterConfig"))],
  },
  {
    policy: gkePrivateEndpoint,
    passes: [
      compliantCluster,
      cluster("DNS endpoint only", set(set(CLUSTER, "privateClusterConfig.enablePrivateEndpoint", false), "controlPlaneEndpointsConfig", { ipEndpointsConfig: { enabled: false } })),
    ],
    violations: [cluster("public endpoint", set(CLUSTER, "privateClusterConfig.enablePrivateEndpoint", false))],
  },
  {
    policy: gkeMasterAuthorizedNetworks,
    passes: [compliantCluster],
    violations: [
      cluster("no authorized networks", unset(CLUSTER, "masterAuthorizedNetworksConfig")),
      resource("a public authorized network", { type: GKE_CLUSTER, inputs: set(CLUSTER, "masterAuthorizedNetworksConfig.cidrBlocks", [{ cidrBlock: "0.0.0.0/0" }]) }, { expect: /0\.0\.0\.0\/0 is not a private range/ }),
      cluster("Google public ranges allowed", set(CLUSTER, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true)),
    ],
  },
  { policy: gkeWorkloadIdentity, passes: [compliantCluster], violations: [cluster("no workload pool", unset(CLUSTER, "workloadIdentityConfig"))] },
  {
    policy: gkeShieldedNodes,
    passes: [compliantCluster, cluster("explicitly on", set(CLUSTER, "enableShieldedNodes", true))],
    violations: [cluster("turned off", set(CLUSTER, "enableShieldedNodes", false))],
  },
  {
    policy: gkeReleaseChannel,
    passes: [compliantCluster, cluster("STABLE", set(CLUSTER, "releaseChannel.channel", "STABLE"))],
    violations: [cluster("no channel", unset(CLUSTER, "releaseChannel")), cluster("UNSPECIFIED", set(CLUSTER, "releaseChannel.channel", "UNSPECIFIED"))],
  },
  {
    policy: gkeDataplaneV2,
    passes: [compliantCluster],
    violations: [cluster("legacy datapath", set(CLUSTER, "datapathProvider", "LEGACY_DATAPATH")), cluster("datapath not set", unset(CLUSTER, "datapathProvider"))],
  },
  {
    policy: gkeBinaryAuthorization,
    passes: [compliantCluster],
    violations: [cluster("disabled", set(CLUSTER, "binaryAuthorization.evaluationMode", "DISABLED")), cluster("not configured", unset(CLUSTER, "binaryAuthorization"))],
  },
  { policy: gkeRemoveDefaultNodePool, passes: [compliantCluster], violations: [cluster("default pool kept", unset(CLUSTER, "removeDefaultNodePool"))] },
  {
    policy: gkeDeletionProtection,
    passes: [compliantCluster, cluster("provider default", unset(CLUSTER, "deletionProtection"))],
    violations: [cluster("turned off", set(CLUSTER, "deletionProtection", false))],
  },
  {
    policy: gkeMaintenanceWindow,
    passes: [compliantCluster, cluster("daily window", set(unset(CLUSTER, "maintenancePolicy"), "maintenancePolicy.dailyMaintenanceWindow", { startTime: "03:00" }))],
    violations: [cluster("no window", unset(CLUSTER, "maintenancePolicy"))],
  },
  {
    policy: gkeRegional,
    passes: [compliantCluster],
    violations: [cluster("zonal", set(CLUSTER, "location", "europe-west1-b")), cluster("no location", unset(CLUSTER, "location"))],
  },
  { policy: gkeLegacyAbacDisabled, passes: [compliantCluster], violations: [cluster("ABAC on", set(CLUSTER, "enableLegacyAbac", true))] },
  {
    policy: gkeClientCertificateDisabled,
    passes: [compliantCluster, cluster("explicitly off", set(CLUSTER, "masterAuth.clientCertificateConfig.issueClientCertificate", false))],
    violations: [cluster("client certificate issued", set(CLUSTER, "masterAuth.clientCertificateConfig.issueClientCertificate", true))],
  },
  {
    policy: gkeLoggingMonitoring,
    passes: [compliantCluster],
    violations: [cluster("logging off", set(CLUSTER, "loggingService", "none")), cluster("monitoring off", set(CLUSTER, "monitoringService", "none"))],
  },
  { policy: gkeGatewayApi, passes: [compliantCluster], violations: [cluster("Gateway API off", unset(CLUSTER, "gatewayApiConfig"))] },
  { policy: gkeManagedPrometheus, passes: [compliantCluster], violations: [cluster("managed Prometheus off", set(CLUSTER, "monitoringConfig.managedPrometheus.enabled", false))] },

  { policy: gkeNodePoolAutoRepair, passes: [compliantPool, pool("default", unset(POOL, "management"))], violations: [pool("auto-repair off", set(POOL, "management.autoRepair", false))] },
  { policy: gkeNodePoolAutoUpgrade, passes: [compliantPool, pool("default", unset(POOL, "management"))], violations: [pool("auto-upgrade off", set(POOL, "management.autoUpgrade", false))] },
  {
    policy: gkeNodePoolServiceAccount,
    passes: [compliantPool, pool("account from another resource (unknown in a preview)", set(POOL, "nodeConfig.serviceAccount", undefined))],
    violations: [
      pool("no service account", unset(POOL, "nodeConfig.serviceAccount")),
      pool("the Compute Engine default account", set(POOL, "nodeConfig.serviceAccount", "123456789012-compute@developer.gserviceaccount.com")),
    ],
  },
  {
    policy: gkeNodePoolSecureBoot,
    passes: [compliantPool],
    violations: [pool("secure boot not set", unset(POOL, "nodeConfig.shieldedInstanceConfig")), pool("integrity monitoring off", set(POOL, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", false))],
  },
  {
    policy: gkeNodePoolMetadataServer,
    passes: [compliantPool, pool("the default (GKE_METADATA with Workload Identity)", unset(POOL, "nodeConfig.workloadMetadataConfig"))],
    violations: [pool("node metadata exposed", set(POOL, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"))],
  },
  {
    policy: gkeNodePoolSurgeUpgrade,
    passes: [compliantPool, pool("the default settings", unset(POOL, "upgradeSettings")), pool("blue-green", set(POOL, "upgradeSettings", { strategy: "BLUE_GREEN" }))],
    violations: [pool("a node unavailable during upgrades", set(POOL, "upgradeSettings.maxUnavailable", 1)), pool("no surge", set(POOL, "upgradeSettings.maxSurge", 0))],
  },
  {
    policy: gkeSpotPoolTainted,
    passes: [
      stack("an untainted on-demand pool and a tainted spot pool", inCluster(POOL, TAINTED_SPOT)),
      stack("a spot-first worker cluster: untainted spot, tainted on-demand fallback", inCluster(set(POOL, "nodeConfig.taints", [WORKER_TAINT]), set(POOL, "nodeConfig.spot", true))),
      stack("a spot-only cluster", inCluster(set(POOL, "nodeConfig.spot", true))),
      stack("an untainted spot pool whose cluster is not in the program", [{ type: GKE_NODE_POOL, name: "spot", inputs: set(POOL, "nodeConfig.spot", true) }]),
    ],
    violations: [
      stack("untainted spot next to untainted on-demand", inCluster(POOL, set(POOL, "nodeConfig.spot", true)), { expect: /Spot pool pool-1 has no NoSchedule taint while pool-0 offer/ }),
      stack("a preemptible pool with only a PreferNoSchedule taint", inCluster(POOL, set(set(POOL, "nodeConfig.preemptible", true), "nodeConfig.taints", [{ key: "k", value: "v", effect: "PREFER_NO_SCHEDULE" }]))),
      stack("pools that name their cluster by id instead of depending on it", [
        { type: GKE_CLUSTER, name: "services", inputs: { ...CLUSTER, name: "services" } },
        { type: GKE_NODE_POOL, name: "on-demand", inputs: set(POOL, "cluster", "projects/p/locations/europe-west1/clusters/services") },
        { type: GKE_NODE_POOL, name: "spot", inputs: set(set(POOL, "cluster", "projects/p/locations/europe-west1/clusters/services"), "nodeConfig.spot", true) },
      ]),
      stack("an untainted spot pool in a cluster that keeps its default pool", [
        { type: GKE_CLUSTER, name: "services", inputs: set(CLUSTER, "removeDefaultNodePool", false) },
        { type: GKE_NODE_POOL, name: "spot", inputs: set(POOL, "nodeConfig.spot", true), dependsOn: ["services"] },
      ], { expect: /services's default node pool/ }),
    ],
  },
  {
    policy: gkeNodePoolPrivateNodes,
    passes: [compliantPool, pool("explicitly private", set(POOL, "networkConfig.enablePrivateNodes", true))],
    violations: [pool("public nodes", set(POOL, "networkConfig.enablePrivateNodes", false))],
  },
  {
    policy: gkeNodePoolCosImage,
    passes: [compliantPool, pool("default image", unset(POOL, "nodeConfig.imageType"))],
    violations: [pool("Ubuntu nodes", set(POOL, "nodeConfig.imageType", "UBUNTU_CONTAINERD"))],
  },
];
