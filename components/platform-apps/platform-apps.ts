/**
 * The platform's own apps on Kubernetes: discovery, flags and health as blue/green services behind
 * the platform Gateway (with pre/post-deploy migration Jobs for the apps that own a database), and
 * the worker agents on the worker capacity (a separate cluster, or tainted pools in the services
 * cluster: they tolerate the taints and prefer spot nodes). Each app runs as its own Kubernetes
 * service account, bound through Workload Identity to the app's GCP service account.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenService, type Colour } from "../blue-green-service/blue-green-service";
import type { Taint } from "../gke-cluster/node-pool";
import { type AutoscalingSpec, KIT_PORT, ServiceDeployment } from "../service-deployment/service-deployment";
import { argChecker } from "../shared/arg-error";
import { DOMAIN_NAME } from "../shared/domain-name";
import { RESTRICTED_POD_SECURITY, imageReference } from "../shared/kubernetes";
import { type DataServiceEndpoints, createNetworkPolicies } from "../shared/network-policies";
import type { Labels } from "../shared/types";

import { PLATFORM_APPS, type PlatformApp } from "./app-names";
import { type GatewayCertificate, createPlatformGateway } from "./platform-gateway";
import { gatewayNamespacePolicies, platformNamespacePolicies, workersNamespacePolicies } from "./platform-network-policies";

export { PLATFORM_APPS, type PlatformApp };
/** The apps that serve HTTP traffic and are released blue/green. */
export const BLUE_GREEN_APPS = ["discovery", "flags", "health"] as const satisfies readonly PlatformApp[];

export interface AppIdentity {
  readonly email: pulumi.Input<string>;
  /** `projects/<p>/serviceAccounts/<email>`, for the Workload Identity binding. */
  readonly name: pulumi.Input<string>;
}

export interface ClusterTarget {
  readonly provider: k8s.Provider;
  /** `<project>.svc.id.goog`. */
  readonly workloadPool: string;
}

export interface WorkerScaling extends AutoscalingSpec {
  /** Default 2. */
  readonly minReplicas?: number;
}

/** Where the platform runs in the VPC: names, the Gateway's subnet, what its namespaces may reach. */
export interface PlatformNetwork {
  /** GCP names start with it ("armature-dev"). */
  readonly namePrefix: string;
  readonly region: string;
  readonly networkId: pulumi.Input<string>;
  /** The services subnet: the Gateway's internal address is reserved there. */
  readonly subnetworkId: pulumi.Input<string>;
  /** Source ranges of the Gateway's proxies (proxy-only subnet) and Google's health checks. */
  readonly gatewaySourceCidrs: readonly string[];
  /** Postgres, Redis, Kafka and Vault: the only data services the namespaces may reach. */
  readonly dataServices: DataServiceEndpoints;
}

export interface PlatformAppsArgs {
  /** Image registry path; images are `<registry>/<app>:<version>`. */
  readonly registry: string;
  /** Each colour's version of every app. */
  readonly releases: Readonly<Record<Colour, Readonly<Record<PlatformApp, string>>>>;
  readonly activeColour: Colour;
  readonly labels: Labels;
  readonly services: ClusterTarget;
  readonly workers: ClusterTarget & {
    /** Taints of the worker pools; worker agents tolerate each. */
    readonly taints: readonly Taint[];
  };
  /** The GCP service account of each app (stacks/platform-identities.ts). */
  readonly identities: Readonly<Record<PlatformApp, AppIdentity>>;
  /** Secret connection URLs of the apps that own a database. */
  readonly databaseUrls: Readonly<Partial<Record<PlatformApp, pulumi.Output<string>>>>;
  /** Secret `rediss://` URL of the shared Redis. */
  readonly redisUrl: pulumi.Output<string>;
  /** PEM of Memorystore's server CA(s): mounted into the apps as REDIS_TLS_CA_FILE. */
  readonly redisCaCertificate: pulumi.Input<string>;
  /** Kafka bootstrap address (host:port). */
  readonly kafkaBrokers: pulumi.Input<string>;
  readonly network: PlatformNetwork;
  /**
   * Each app answers on `https://<app>.<gatewayDomain>` at the Gateway; a private zone for the domain
   * points `*.<gatewayDomain>` at the Gateway's address. Default "platform.armature.internal".
   */
  readonly gatewayDomain?: string;
  /** Default "gke-l7-rilb": an internal, regional Application Load Balancer (uses the proxy-only subnet). */
  readonly gatewayClassName?: string;
  /** The Gateway's TLS certificate. Default: issued for `*.<gatewayDomain>` by a private CA made here. */
  readonly gatewayCertificate?: GatewayCertificate;
  /**
   * How worker agents scale. Default: CPU, 2 to 10. Issue 10 replaces `metrics` with the queue depth
   * (an External metric per job queue) here; nothing else changes.
   */
  readonly workerScaling?: WorkerScaling;
}

export const PLATFORM_NAMESPACE = "platform";
export const GATEWAY_NAMESPACE = "gateway";
export const WORKERS_NAMESPACE = "workers";
export const GATEWAY_NAME = "platform";
export const DEFAULT_GATEWAY_DOMAIN = "platform.armature.internal";
export const GATEWAY_ACCESS_LABEL = "armature.dev/gateway-access";
const REDIS_SECRET = "platform-redis";
/** Memorystore's server CA, as a ConfigMap (certificates are public) mounted at this path. */
const REDIS_CA_CONFIG_MAP = "platform-redis-ca";
const REDIS_CA_DIRECTORY = "/etc/armature/redis-ca";
export const REDIS_CA_FILE = `${REDIS_CA_DIRECTORY}/ca.crt`;

export class PlatformApps extends pulumi.ComponentResource {
  readonly services: Readonly<Record<(typeof BLUE_GREEN_APPS)[number], BlueGreenService>>;
  readonly worker: ServiceDeployment;
  readonly gateway: k8s.apiextensions.CustomResource;
  /** The Gateway's internal address: `*.<gatewayDomain>` resolves to it in the VPC. */
  readonly gatewayAddress: pulumi.Output<string>;
  /** PEM of the CA that issued the Gateway's certificate (undefined with `gatewayCertificate`). */
  readonly gatewayCaCertificate: pulumi.Output<string> | undefined;

  constructor(name: string, args: PlatformAppsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:apps:PlatformApps", name, {}, opts);
    validate(name, args);
    const labels = { ...args.labels };
    const services = { parent: this, provider: args.services.provider };
    const workers = { parent: this, provider: args.workers.provider };
    const active = args.releases[args.activeColour];
    const image = (app: PlatformApp, colour: Colour) => imageReference(args.registry, app, args.releases[colour][app]);

    const namespace = (resourceName: string, namespaceName: string, target: pulumi.CustomResourceOptions, extra: Labels = {}) =>
      new k8s.core.v1.Namespace(resourceName, { metadata: { name: namespaceName, labels: { ...labels, ...RESTRICTED_POD_SECURITY, ...extra } } }, target);
    const platformNamespace = namespace(`${name}-namespace`, PLATFORM_NAMESPACE, services, { [GATEWAY_ACCESS_LABEL]: "true" });
    const gatewayNamespace = namespace(`${name}-gateway-namespace`, GATEWAY_NAMESPACE, services);
    const domain = args.gatewayDomain ?? DEFAULT_GATEWAY_DOMAIN;
    const platformGateway = createPlatformGateway(name, {
      gatewayName: GATEWAY_NAME,
      namespace: gatewayNamespace.metadata.name,
      className: args.gatewayClassName ?? "gke-l7-rilb",
      domain,
      routeAccessLabel: GATEWAY_ACCESS_LABEL,
      labels,
      namePrefix: args.network.namePrefix,
      region: args.network.region,
      networkId: args.network.networkId,
      subnetworkId: args.network.subnetworkId,
      ...(args.gatewayCertificate ? { certificate: args.gatewayCertificate } : {}),
    }, { parent: this }, services);
    this.gateway = platformGateway.gateway;
    this.gatewayAddress = platformGateway.address;
    this.gatewayCaCertificate = platformGateway.caCertificate;

    const fence = { gatewaySourceCidrs: args.network.gatewaySourceCidrs, gatewayAddress: this.gatewayAddress, dataServices: args.network.dataServices, appPort: KIT_PORT };
    createNetworkPolicies(`${name}-platform`, platformNamespace.metadata.name, labels, platformNamespacePolicies(fence), services);
    createNetworkPolicies(`${name}-gateway`, gatewayNamespace.metadata.name, labels, gatewayNamespacePolicies(), services);

    const serviceAccount = (app: PlatformApp, namespaceName: string, target: pulumi.CustomResourceOptions & { parent: pulumi.Resource }, pool: string, dependsOn: pulumi.Resource) => {
      new k8s.core.v1.ServiceAccount(`${name}-${app}`, {
        metadata: { name: app, namespace: namespaceName, labels, annotations: { "iam.gke.io/gcp-service-account": args.identities[app].email } },
        automountServiceAccountToken: false,
      }, { ...target, dependsOn: [dependsOn] });
      new gcp.serviceaccount.IAMMember(`${name}-${app}-workload-identity`, {
        serviceAccountId: args.identities[app].name,
        role: "roles/iam.workloadIdentityUser",
        member: `serviceAccount:${pool}[${namespaceName}/${app}]`,
      }, { parent: this });
      return app;
    };

    const secret = (resourceName: string, secretName: string, namespaceName: pulumi.Input<string>, key: string, value: pulumi.Output<string>, target: pulumi.CustomResourceOptions) =>
      new k8s.core.v1.Secret(resourceName, {
        metadata: { name: secretName, namespace: namespaceName, labels },
        type: "Opaque",
        stringData: { [key]: value },
      }, target);

    const redisCa = (resourceName: string, namespaceName: pulumi.Input<string>, target: pulumi.CustomResourceOptions) =>
      new k8s.core.v1.ConfigMap(resourceName, {
        metadata: { name: REDIS_CA_CONFIG_MAP, namespace: namespaceName, labels },
        data: { "ca.crt": args.redisCaCertificate },
      }, target);
    secret(`${name}-redis`, REDIS_SECRET, platformNamespace.metadata.name, "REDIS_URL", args.redisUrl, services);
    redisCa(`${name}-redis-ca`, platformNamespace.metadata.name, services);
    const redisCaVolume = {
      volumes: [{ name: "redis-ca", configMap: { name: REDIS_CA_CONFIG_MAP } }],
      volumeMounts: [{ name: "redis-ca", mountPath: REDIS_CA_DIRECTORY, readOnly: true }],
    };
    const commonEnv = (app: PlatformApp): k8s.types.input.core.v1.EnvVar[] => [
      { name: "LOG_FORMAT", value: "json" },
      { name: "KAFKA_BROKERS", value: args.kafkaBrokers },
      { name: "REDIS_URL", valueFrom: { secretKeyRef: { name: REDIS_SECRET, key: "REDIS_URL" } } },
      { name: "REDIS_TLS_CA_FILE", value: REDIS_CA_FILE },
      ...(args.databaseUrls[app] ? [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: `${app}-database`, key: "DATABASE_URL" } } }] : []),
    ];

    const migrator = serviceAccount("migrator", PLATFORM_NAMESPACE, services, args.services.workloadPool, platformNamespace);
    const deployed = {} as Record<(typeof BLUE_GREEN_APPS)[number], BlueGreenService>;
    for (const app of BLUE_GREEN_APPS) {
      const databaseUrl = args.databaseUrls[app];
      const databaseSecret = databaseUrl ? secret(`${name}-${app}-database`, `${app}-database`, platformNamespace.metadata.name, "DATABASE_URL", databaseUrl, services) : undefined;
      deployed[app] = new BlueGreenService(`${name}-${app}`, {
        app,
        namespace: platformNamespace.metadata.name,
        labels,
        images: { blue: image(app, "blue"), green: image(app, "green") },
        activeColour: args.activeColour,
        env: commonEnv(app),
        deployment: { serviceAccountName: serviceAccount(app, PLATFORM_NAMESPACE, services, args.services.workloadPool, platformNamespace), ...redisCaVolume },
        gateway: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE },
        hostnames: [`${app}.${domain}`],
        ...(databaseSecret
          ? {
              migrations: {
                images: { blue: image("migrator", "blue"), green: image("migrator", "green") },
                database: app,
                databaseUrl: { name: databaseSecret.metadata.name, key: "DATABASE_URL" },
                serviceAccountName: migrator,
              },
            }
          : {}),
      }, { parent: this, provider: args.services.provider, dependsOn: [this.gateway] });
    }
    this.services = deployed;

    // Worker agents: their own namespace on the worker capacity, tolerating its taints, spot first.
    const workersNamespace = namespace(`${name}-workers-namespace`, WORKERS_NAMESPACE, workers);
    secret(`${name}-workers-redis`, REDIS_SECRET, workersNamespace.metadata.name, "REDIS_URL", args.redisUrl, workers);
    redisCa(`${name}-workers-redis-ca`, workersNamespace.metadata.name, workers);
    createNetworkPolicies(`${name}-workers`, workersNamespace.metadata.name, labels, workersNamespacePolicies(fence), workers);
    const scaling = args.workerScaling ?? {};
    this.worker = new ServiceDeployment(`${name}-worker`, {
      namespace: workersNamespace.metadata.name,
      app: "worker",
      image: imageReference(args.registry, "worker", active.worker),
      labels,
      replicas: scaling.minReplicas ?? 2,
      autoscaling: { maxReplicas: scaling.maxReplicas ?? 10, ...(scaling.targetCpuUtilization ? { targetCpuUtilization: scaling.targetCpuUtilization } : {}), ...(scaling.metrics ? { metrics: scaling.metrics } : {}) },
      env: [...commonEnv("worker"), { name: "SERVICE_VERSION", value: active.worker }],
      ...redisCaVolume,
      serviceAccountName: serviceAccount("worker", WORKERS_NAMESPACE, workers, args.workers.workloadPool, workersNamespace),
      tolerations: args.workers.taints.map((taint) => ({ key: taint.key, operator: "Equal", value: taint.value, effect: TOLERATION_EFFECTS[taint.effect] })),
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: "cloud.google.com/gke-spot", operator: "In", values: ["true"] }] } }],
        },
      },
    }, { parent: this, provider: args.workers.provider });

    this.registerOutputs({ gateway: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, gatewayAddress: this.gatewayAddress, activeColour: args.activeColour });
  }
}

const TOLERATION_EFFECTS: Readonly<Record<Taint["effect"], string>> = {
  NO_SCHEDULE: "NoSchedule",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
  NO_EXECUTE: "NoExecute",
};

function validate(name: string, args: PlatformAppsArgs): void {
  const check = argChecker("PlatformApps", name);
  check(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(args.registry), "registry", `${JSON.stringify(args.registry)} is not an image registry path`, "use e.g. europe-west1-docker.pkg.dev/my-project/platform");
  for (const app of PLATFORM_APPS) {
    check(Object.hasOwn(args.identities, app), `identities.${app}`, "missing", "pass every platform app's GCP service account (stacks/platform-identities.ts)");
  }
  const domain = args.gatewayDomain ?? DEFAULT_GATEWAY_DOMAIN;
  check(DOMAIN_NAME.test(domain), "gatewayDomain", `${JSON.stringify(domain)} is not a lowercase DNS name of two or more labels`, "use e.g. platform.example.internal (no trailing dot, no wildcard)");
}
