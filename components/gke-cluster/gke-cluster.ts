/**
 * A regional, private GKE Standard cluster with the platform's secure defaults (docs/architecture.md#gke): private nodes and endpoint, internal-only authorized networks, Workload Identity, a
 * dedicated least-privilege node service account, shielded nodes, a release channel, Dataplane V2,
 * binary authorization, no default node pool, Gateway API, managed Prometheus, a maintenance window
 * and deletion protection. It outputs a Kubernetes provider for the components that deploy into it.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import { isControlPlaneCidr, isPrivateCidr, parseCidr } from "../shared/cidr";
import { serviceAccountId } from "../shared/naming";
import type { Labels } from "../shared/types";
import { workloadIdentityMember } from "../shared/workload-identity";
import { gkeKubeconfig } from "./kubeconfig";
import { type NodePoolSpec, createNodePool, validateNodePools } from "./node-pool";

export type ReleaseChannel = "RAPID" | "REGULAR" | "STABLE" | "EXTENDED";

export interface AuthorizedNetwork {
  readonly cidr: string;
  readonly displayName?: string;
}

export interface MaintenanceWindow {
  /** RFC 3339 times; only the time of day and the duration matter for a recurring window. */
  readonly startTime: string;
  readonly endTime: string;
  /** RFC 5545 RRULE. */
  readonly recurrence: string;
}

export interface GkeClusterArgs {
  /** Prefix of resource names and project-wide ids, e.g. "armature-dev". */
  readonly namePrefix: string;
  readonly project: string;
  /** The cluster is regional: its control plane and pools span the region's zones. */
  readonly region: string;
  readonly network: pulumi.Input<string>;
  readonly subnetwork: pulumi.Input<string>;
  readonly podsRangeName: pulumi.Input<string>;
  readonly servicesRangeName: pulumi.Input<string>;
  readonly nodePools: readonly NodePoolSpec[];
  readonly labels: Labels;
  /** Nodes without public IPs. Default true. */
  readonly privateNodes?: boolean;
  /** Control plane reachable only on its private address. Default true. */
  readonly privateEndpoint?: boolean;
  /** The control plane's /28; required for private nodes. */
  readonly masterCidr?: string;
  /** Private ranges (VPN, CI) that may reach the control plane besides the VPC. Default none. */
  readonly masterAuthorizedNetworks?: readonly AuthorizedNetwork[];
  /** Default "REGULAR". */
  readonly releaseChannel?: ReleaseChannel;
  /** Default "ADVANCED_DATAPATH" (Dataplane V2: eBPF, network policy built in). */
  readonly datapathProvider?: "ADVANCED_DATAPATH" | "LEGACY_DATAPATH";
  /** Default "PROJECT_SINGLETON_POLICY_ENFORCE". */
  readonly binaryAuthorization?: "PROJECT_SINGLETON_POLICY_ENFORCE" | "DISABLED";
  /** Default "CHANNEL_STANDARD". */
  readonly gatewayApiChannel?: "CHANNEL_STANDARD" | "CHANNEL_DISABLED";
  /** Google Cloud Managed Service for Prometheus. Default true. */
  readonly managedPrometheus?: boolean;
  /** Default: Saturday and Sunday, 02:00-06:00 UTC. */
  readonly maintenanceWindow?: MaintenanceWindow;
  /** Default true. */
  readonly deletionProtection?: boolean;
  /**
   * A services cluster must keep on-demand capacity. Set true only for a cluster that runs nothing but
   * interruptible work (worker agents): it may then be all spot, and its spot pools may be untainted
   * (system pods need somewhere to run, and nothing there needs shielding from preemption). Default false.
   */
  readonly allowSpotOnly?: boolean;
  /**
   * Node ports the private control plane may call besides GKE's own 443 and 10250: admission
   * webhooks and aggregated API servers (cert-manager 8443/9443, Istio 15017, KEDA 6443/9443).
   * Default DEFAULT_WEBHOOK_PORTS; [] opens nothing. Only for private clusters.
   */
  readonly controlPlaneWebhookPorts?: readonly string[];
}

/** terraform-google-kubernetes-engine's private-cluster `firewall_inbound_ports` default. */
export const DEFAULT_WEBHOOK_PORTS = ["8443", "9443", "15017"] as const;

export const DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = {
  startTime: "2025-01-04T02:00:00Z",
  endTime: "2025-01-04T06:00:00Z",
  recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
};

/** GKE's least-privilege role for node service accounts, plus pulling images from Artifact Registry. */
export const NODE_SERVICE_ACCOUNT_ROLES = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"] as const;

export class GkeCluster extends pulumi.ComponentResource {
  readonly cluster: gcp.container.Cluster;
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly caCertificate: pulumi.Output<string>;
  /** Uses gke-gcloud-auth-plugin; holds no credentials. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The Kubernetes provider other components deploy through. */
  readonly provider: k8s.Provider;
  readonly nodeServiceAccount: gcp.serviceaccount.Account;
  /** `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /**
   * The OIDC issuer of the cluster's service-account tokens (their `iss`; discovery document and
   * keys below it): what services verify callers' projected tokens against (CALLER_TOKEN_ISSUERS).
   */
  readonly serviceAccountIssuer: pulumi.Output<string>;
  readonly nodePools: Readonly<Record<string, gcp.container.NodePool>>;
  /** Control plane → nodes on the webhook ports; absent for a public cluster or with no ports. */
  readonly webhookFirewall?: gcp.compute.Firewall;
  private readonly location: string;
  private readonly labels: Labels;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:gke:GkeCluster", name, {}, opts);
    validate(name, args);
    const child = { parent: this };
    this.location = args.region;
    this.labels = args.labels;
    this.workloadPool = `${args.project}.svc.id.goog`;

    this.nodeServiceAccount = new gcp.serviceaccount.Account(`${name}-nodes`, {
      accountId: serviceAccountId(args.namePrefix, `${name}-nodes`),
      displayName: `GKE nodes of ${args.namePrefix}-${name} (least privilege)`,
    }, child);
    for (const role of NODE_SERVICE_ACCOUNT_ROLES) {
      new gcp.projects.IAMMember(`${name}-nodes-${role.split("/")[1]}`, {
        project: args.project,
        role,
        member: pulumi.interpolate`serviceAccount:${this.nodeServiceAccount.email}`,
      }, child);
    }

    const privateNodes = args.privateNodes ?? true;
    const window = args.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    this.cluster = new gcp.container.Cluster(name, {
      name: `${args.namePrefix}-${name}`,
      location: args.region,
      network: args.network,
      subnetwork: args.subnetwork,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: { clusterSecondaryRangeName: args.podsRangeName, servicesSecondaryRangeName: args.servicesRangeName },
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // The default pool exists briefly before removal: give it the same hardened node settings.
      nodeConfig: {
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: "GKE_METADATA" },
      },
      privateClusterConfig: privateNodes
        ? {
            enablePrivateNodes: true,
            enablePrivateEndpoint: args.privateEndpoint ?? true,
            masterIpv4CidrBlock: args.masterCidr,
            masterGlobalAccessConfig: { enabled: false },
          }
        : undefined,
      masterAuthorizedNetworksConfig: {
        cidrBlocks: (args.masterAuthorizedNetworks ?? []).map((network) => ({ cidrBlock: network.cidr, displayName: network.displayName ?? network.cidr })),
        gcpPublicCidrsAccessEnabled: false,
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      enableShieldedNodes: true,
      releaseChannel: { channel: args.releaseChannel ?? "REGULAR" },
      datapathProvider: args.datapathProvider ?? "ADVANCED_DATAPATH",
      binaryAuthorization: { evaluationMode: args.binaryAuthorization ?? "PROJECT_SINGLETON_POLICY_ENFORCE" },
      gatewayApiConfig: { channel: args.gatewayApiChannel ?? "CHANNEL_STANDARD" },
      addonsConfig: {
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        dnsCacheConfig: { enabled: true },
      },
      monitoringConfig: {
        enableComponents: ["SYSTEM_COMPONENTS"],
        managedPrometheus: { enabled: args.managedPrometheus ?? true },
      },
      loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
      securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_BASIC" },
      maintenancePolicy: { recurringWindow: { ...window } },
      deletionProtection: args.deletionProtection ?? true,
      resourceLabels: { ...args.labels },
    }, child);

    const webhookPorts = args.controlPlaneWebhookPorts ?? DEFAULT_WEBHOOK_PORTS;
    if (privateNodes && webhookPorts.length > 0) {
      // A private control plane reaches nodes only on 443 and 10250 by default; webhooks served on
      // other ports time out and block every API call they guard (GKE private-cluster docs).
      this.webhookFirewall = new gcp.compute.Firewall(`${name}-webhooks`, {
        name: `${args.namePrefix}-${name}-webhooks`,
        description: `The ${name} control plane calling admission webhooks and API services on its nodes.`,
        network: args.network,
        direction: "INGRESS",
        sourceRanges: [args.masterCidr!],
        targetServiceAccounts: [this.nodeServiceAccount.email],
        allows: [{ protocol: "tcp", ports: [...webhookPorts] }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
      }, child);
    }

    const pools: Record<string, gcp.container.NodePool> = {};
    for (const spec of args.nodePools) pools[spec.name] = this.addNodePool(`${name}-${spec.name}`, spec, child);
    this.nodePools = pools;

    this.clusterName = this.cluster.name;
    this.serviceAccountIssuer = pulumi.interpolate`https://container.googleapis.com/v1/projects/${args.project}/locations/${this.cluster.location}/clusters/${this.cluster.name}`;
    this.endpoint = this.cluster.endpoint;
    this.caCertificate = this.cluster.masterAuth.apply((auth) => auth.clusterCaCertificate ?? "");
    this.kubeconfig = pulumi
      .all([this.cluster.name, this.cluster.endpoint, this.caCertificate])
      .apply(([clusterName, endpoint, caCertificate]) => gkeKubeconfig({ clusterName, endpoint, caCertificate }));
    this.provider = new k8s.Provider(`${name}-k8s`, {
      kubeconfig: this.kubeconfig,
      enableServerSideApply: true,
    }, { parent: this, dependsOn: Object.values(pools) });

    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, kubeconfig: this.kubeconfig, serviceAccountIssuer: this.serviceAccountIssuer });
  }

  /** Adds a pool with the platform's node defaults to this cluster (WorkerCluster uses this too). */
  addNodePool(resourceName: string, spec: NodePoolSpec, opts: pulumi.CustomResourceOptions): gcp.container.NodePool {
    return createNodePool(resourceName, spec, {
      cluster: this.cluster,
      location: this.location,
      serviceAccountEmail: this.nodeServiceAccount.email,
      labels: this.labels,
    }, opts);
  }

  /** The IAM member of a Kubernetes service account in this cluster, for Workload Identity bindings. */
  workloadIdentityMember(namespace: string, serviceAccount: string): string {
    return workloadIdentityMember(this.workloadPool, namespace, serviceAccount);
  }
}

function validate(name: string, args: GkeClusterArgs): void {
  const check = argChecker("GkeCluster", name);
  validateNodePools("GkeCluster", name, args.nodePools, "nodePools", args.allowSpotOnly !== true);
  check(
    args.allowSpotOnly === true || args.nodePools.some((pool) => !pool.spot),
    "nodePools",
    "every pool is spot, so a preemption wave could evict every platform workload at once",
    "add an on-demand pool (spot: false), or set allowSpotOnly: true for a cluster that only runs interruptible work",
  );
  const privateNodes = args.privateNodes ?? true;
  if (privateNodes) {
    check(args.masterCidr !== undefined, "masterCidr", "missing, but privateNodes is true and a private control plane needs its own range", "set masterCidr to an unused /28 such as 172.16.0.0/28");
    check(isControlPlaneCidr(args.masterCidr!), "masterCidr", `${JSON.stringify(args.masterCidr)} is not a /28 CIDR block`, "use an unused /28 such as 172.16.0.0/28");
  } else {
    check(args.privateEndpoint !== true, "privateEndpoint", "true while privateNodes is false (a private endpoint needs a private cluster)", "set privateNodes: true, or drop privateEndpoint");
  }
  (args.controlPlaneWebhookPorts ?? []).forEach((port, index) => {
    check(/^\d{1,5}(-\d{1,5})?$/.test(port), `controlPlaneWebhookPorts[${index}]`, `${JSON.stringify(port)} is not a port or port range`, 'give ports as strings such as "9443" or "8000-8100"');
  });
  (args.masterAuthorizedNetworks ?? []).forEach((network, index) => {
    const cidr = parseCidr(network.cidr);
    check(
      cidr !== undefined && isPrivateCidr(cidr),
      `masterAuthorizedNetworks[${index}].cidr`,
      `${JSON.stringify(network.cidr)} is not a private (RFC 1918) CIDR block`,
      "authorize internal ranges only (VPN, CI runners in the VPC); reach the control plane through them",
    );
  });
}
