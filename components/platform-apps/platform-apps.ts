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
import { type MigrationPhase, createMigrationJob, migrationJobName } from "../blue-green-service/migration-job";
import { type ContractState, DEFAULT_CONTRACT_STATE, contractSteps } from "../blue-green-service/contract";
import type { Taint } from "../gke-cluster/node-pool";
import { KIT_PORT, ServiceDeployment } from "../service-deployment/service-deployment";
import { type PostgresServerCa, createPostgresCaConfigMap, postgresCaVolume, postgresCaVolumeMount, postgresTlsServerNameEnv } from "../postgres/server-ca";
import { argChecker } from "../shared/arg-error";
import { isControlPlaneCidr } from "../shared/cidr";
import { DOMAIN_NAME } from "../shared/domain-name";
import { RESTRICTED_POD_SECURITY, imageReference } from "../shared/kubernetes";
import { type DataServiceEndpoints, GATEWAY_ACCESS_LABEL, createNetworkPolicies } from "../shared/network-policies";
import type { Labels } from "../shared/types";
import { workloadIdentityMember } from "../shared/workload-identity";

import { PLATFORM_APPS, type PlatformApp } from "./app-names";
import { type GatewayCertificate, createPlatformGateway } from "./platform-gateway";
import { gatewayNamespacePolicies, platformNamespacePolicies, workersNamespacePolicies } from "./platform-network-policies";
import { type HelmChartSource, helmChartSourceProblem } from "../shared/helm-chart";
import { DEFAULT_KEDA_CHART_VERSION, type WorkerQueueScaling, createWorkerQueueScaling } from "./worker-queue-scaling";

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
  /** The issuer of the cluster's service-account tokens (GkeCluster.serviceAccountIssuer): apps verify callers from it. */
  readonly serviceAccountIssuer: pulumi.Input<string>;
}

/** Worker agents scale on their queue (a KEDA ScaledObject: worker-queue-scaling.ts). */
export interface WorkerScaling {
  /** Default 2: every agent also serves the API and runs the scheduler, and spot nodes go at any time. */
  readonly minReplicas?: number;
  /** Default 10. */
  readonly maxReplicas?: number;
  /** Attempts each agent runs at once (WORKER_CONCURRENCY); one agent per this many runs due or running. Default 4. */
  readonly runsPerAgent?: number;
  /** KEDA's Helm chart version to install in the worker cluster (default 2.21.1); false when it already runs KEDA. */
  readonly kedaChartVersion?: string | false;
  /** Where KEDA's chart comes from: a mirror, or an absolute path to a chart folder. Default its upstream repository. */
  readonly kedaChartSource?: HelmChartSource;
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
  /** Where the release stands with its contract (post-deploy) migrations (blue-green-service/contract.ts). Default "pending". */
  readonly contract?: ContractState;
  readonly labels: Labels;
  readonly services: ClusterTarget;
  readonly workers: ClusterTarget & {
    /** The worker cluster's control-plane range (its private endpoint's /28), for KEDA's fence. */
    readonly controlPlaneCidr: string;
    /** Taints of the worker pools; worker agents tolerate each. */
    readonly taints: readonly Taint[];
  };
  /** The GCP service account of each app (stacks/platform-identities.ts). */
  readonly identities: Readonly<Record<PlatformApp, AppIdentity>>;
  /** Secret connection URLs of the apps that own a database. */
  readonly databaseUrls: Readonly<Partial<Record<PlatformApp, pulumi.Output<string>>>>;
  /** Cloud SQL's server CA and certificate name (PostgresInstance.serverCa): every pod that connects verifies the server with them. */
  readonly postgresServerCa: PostgresServerCa;
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
  /** How worker agents scale on their queue. Default: 2 to 10 agents, 4 runs each. */
  readonly workerScaling?: WorkerScaling;
  /**
   * The authorisation rules document the apps read (apps/kit/authorisation/rules.ts; the stack builds it
   * from `armature:authorisation` and `armature:tenants`): a ConfigMap mounted in every app, re-read as
   * it changes. Default: the shipped rules alone (no admins, no grants).
   */
  readonly authorisationRules?: pulumi.Input<string>;
}

export const PLATFORM_NAMESPACE = "platform";
export const GATEWAY_NAMESPACE = "gateway";
export const WORKERS_NAMESPACE = "workers";
export const GATEWAY_NAME = "platform";
export const DEFAULT_GATEWAY_DOMAIN = "platform.armature.internal";
const REDIS_SECRET = "platform-redis";
/** Memorystore's server CA, as a ConfigMap (certificates are public) mounted at this path. */
const REDIS_CA_CONFIG_MAP = "platform-redis-ca";
const REDIS_CA_DIRECTORY = "/etc/armature/redis-ca";
export const REDIS_CA_FILE = `${REDIS_CA_DIRECTORY}/ca.crt`;
/** Discovery's active colour, through its ClusterIP Service (blue-green-service names it after the app). */
const DISCOVERY_URL = `http://discovery.${PLATFORM_NAMESPACE}.svc.cluster.local`;
/** The audience of the caller tokens platform pods present (the kit's DEFAULT_CALLER_AUDIENCE). */
export const CALLER_TOKEN_AUDIENCE = "armature-platform";
const CALLER_TOKEN_DIRECTORY = "/var/run/secrets/armature";
export const CALLER_TOKEN_FILE = `${CALLER_TOKEN_DIRECTORY}/token`;
/** The authorisation rules, as a ConfigMap mounted at this path (AUTHORISATION_RULES_FILE). */
const AUTHORISATION_CONFIG_MAP = "authorisation-rules";
const AUTHORISATION_DIRECTORY = "/etc/armature/authorisation";
export const AUTHORISATION_RULES_FILE = `${AUTHORISATION_DIRECTORY}/rules.json`;
/** Worker agents stop within the 15 s GKE gives a spot node's pods (1 s preStop + 13 s). */
const WORKER_SHUTDOWN_TIMEOUT_MS = 13_000;

export class PlatformApps extends pulumi.ComponentResource {
  readonly services: Readonly<Record<(typeof BLUE_GREEN_APPS)[number], BlueGreenService>>;
  readonly worker: ServiceDeployment;
  readonly workerScaling: WorkerQueueScaling;
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
        member: workloadIdentityMember(pool, namespaceName, app),
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
    const authorisationRules = (resourceName: string, namespaceName: pulumi.Input<string>, target: pulumi.CustomResourceOptions) =>
      new k8s.core.v1.ConfigMap(resourceName, {
        metadata: { name: AUTHORISATION_CONFIG_MAP, namespace: namespaceName, labels },
        data: { "rules.json": args.authorisationRules ?? JSON.stringify({ platformNamespaces: [PLATFORM_NAMESPACE, WORKERS_NAMESPACE] }) },
      }, target);
    authorisationRules(`${name}-authorisation`, platformNamespace.metadata.name, services);
    createPostgresCaConfigMap(`${name}-postgres-ca`, platformNamespace.metadata.name, args.postgresServerCa, labels, services);
    // Memorystore's and Cloud SQL's CAs, and the pod's caller token: a projected service-account token for the platform's
    // audience, rotated by the kubelet (the API token itself stays unmounted).
    const podVolumes = {
      volumes: [
        { name: "redis-ca", configMap: { name: REDIS_CA_CONFIG_MAP } },
        postgresCaVolume(),
        { name: "caller-token", projected: { sources: [{ serviceAccountToken: { audience: CALLER_TOKEN_AUDIENCE, expirationSeconds: 3600, path: "token" } }] } },
        { name: "authorisation-rules", configMap: { name: AUTHORISATION_CONFIG_MAP } },
      ],
      volumeMounts: [
        { name: "redis-ca", mountPath: REDIS_CA_DIRECTORY, readOnly: true },
        postgresCaVolumeMount(),
        { name: "caller-token", mountPath: CALLER_TOKEN_DIRECTORY, readOnly: true },
        { name: "authorisation-rules", mountPath: AUTHORISATION_DIRECTORY, readOnly: true },
      ],
    };
    // Platform apps accept callers from both clusters (one issuer when the workers share the services cluster).
    const callerIssuers = pulumi.all([args.services.serviceAccountIssuer, args.workers.serviceAccountIssuer]).apply((issuers) => [...new Set(issuers)].join(","));
    const commonEnv = (app: PlatformApp): k8s.types.input.core.v1.EnvVar[] => [
      { name: "LOG_FORMAT", value: "json" },
      { name: "KAFKA_BROKERS", value: args.kafkaBrokers },
      // Managed Kafka takes only TLS + SASL: the pod's Workload Identity token (apps/kit/kafka-google-auth.ts).
      { name: "KAFKA_AUTH", value: "google" },
      { name: "REDIS_URL", valueFrom: { secretKeyRef: { name: REDIS_SECRET, key: "REDIS_URL" } } },
      { name: "REDIS_TLS_CA_FILE", value: REDIS_CA_FILE },
      // Writes need a verified caller (apps/kit/caller-authentication.ts); kit.http() presents this pod's token.
      { name: "CALLER_TOKEN_ISSUERS", value: callerIssuers },
      { name: "CALLER_TOKEN_FILE", value: CALLER_TOKEN_FILE },
      // kit.http() sends that token only to the platform's own addresses, never to an override's target.
      { name: "CALLER_TOKEN_HOSTS", value: [`.${PLATFORM_NAMESPACE}.svc.cluster.local`, `.${PLATFORM_NAMESPACE}.svc`, `.${WORKERS_NAMESPACE}.svc.cluster.local`, `.${WORKERS_NAMESPACE}.svc`, `.${domain}`].join(",") },
      // Who may change what (apps/kit/README.md, Authorisation): the stack's rules, re-read as the ConfigMap changes.
      { name: "AUTHORISATION_RULES_FILE", value: AUTHORISATION_RULES_FILE },
      // The health service probes every registered service and reports back: discovery's active Service, in-namespace.
      ...(app === "health" ? [{ name: "DISCOVERY_URL", value: DISCOVERY_URL }] : []),
      // Self-registration (apps/kit/self-registration.ts): the app's active Service, which every replica
      // and colour shares and which outlives any one pod, so a draining pod keeps it. Worker agents serve
      // no caller across their fence (platform-network-policies.ts), so they do not register.
      ...(app === "worker"
        ? []
        : [
            { name: "SELF_REGISTRATION_DISCOVERY_URL", value: DISCOVERY_URL },
            { name: "SELF_REGISTRATION_ENDPOINT", value: `http://${app}.${PLATFORM_NAMESPACE}.svc.cluster.local` },
            { name: "SELF_REGISTRATION_ON_DRAIN", value: "keep" },
          ]),
      // The URL names the mounted CA (sslrootcert); the certificate must also carry the instance's name.
      ...(args.databaseUrls[app] ? [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: `${app}-database`, key: "DATABASE_URL" } } }, postgresTlsServerNameEnv()] : []),
      // Health learns registrations from discovery.registration.v1 into its own database (apps/health/registration-events.ts).
      ...(app === "health" && args.databaseUrls[app] ? [{ name: "REGISTRATIONS_DATABASE_URL", valueFrom: { secretKeyRef: { name: "health-database", key: "DATABASE_URL" } } }] : []),
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
        ...(args.contract ? { contract: args.contract } : {}),
        env: commonEnv(app),
        deployment: { serviceAccountName: serviceAccount(app, PLATFORM_NAMESPACE, services, args.services.workloadPool, platformNamespace), ...podVolumes },
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

    // Worker agents: their own namespace on the worker capacity, tolerating its taints, spot first;
    // their database migrated before they start; scaled on the runs waiting in it.
    const workersNamespace = namespace(`${name}-workers-namespace`, WORKERS_NAMESPACE, workers);
    secret(`${name}-workers-redis`, REDIS_SECRET, workersNamespace.metadata.name, "REDIS_URL", args.redisUrl, workers);
    redisCa(`${name}-workers-redis-ca`, workersNamespace.metadata.name, workers);
    authorisationRules(`${name}-workers-authorisation`, workersNamespace.metadata.name, workers);
    createPostgresCaConfigMap(`${name}-workers-postgres-ca`, workersNamespace.metadata.name, args.postgresServerCa, labels, workers);
    createNetworkPolicies(`${name}-workers`, workersNamespace.metadata.name, labels, workersNamespacePolicies(fence), workers);
    const workerDatabase = secret(`${name}-worker-database`, "worker-database", workersNamespace.metadata.name, "DATABASE_URL", args.databaseUrls.worker!, workers);
    const workerAccount = serviceAccount("worker", WORKERS_NAMESPACE, workers, args.workers.workloadPool, workersNamespace);
    const migratorImage = image("migrator", args.activeColour);
    const migration = (phase: MigrationPhase, dependsOn: pulumi.Resource[], migrator = migratorImage, colour?: Colour) =>
      createMigrationJob(`${name}-worker-${phase}${colour ? `-${colour}` : ""}`, {
        namespace: workersNamespace.metadata.name,
        jobName: migrationJobName(`worker-${phase}${colour ? `-${colour}` : ""}`, migrator),
        phase,
        image: migrator,
        database: "worker",
        databaseUrl: { name: workerDatabase.metadata.name, key: "DATABASE_URL" },
        labels,
        serviceAccountName: workerAccount,
      }, { ...workers, dependsOn });
    // One expand Job per colour, as the blue/green apps have: switching either way finds its release's
    // expand already done, and never re-runs an older migrator against a newer schema (it would refuse).
    const preMigrations = (["blue", "green"] as const).map((colour) => migration("pre", [workerDatabase], image("migrator", colour), colour));
    // The worker has no second colour: the inactive release is the way back, so its schema stays until
    // the contract is applied; going back after it, the contracting (inactive) release undoes it first.
    const { releases } = args;
    const inactiveColour: Colour = args.activeColour === "blue" ? "green" : "blue";
    const workerContract = contractSteps(args.contract ?? DEFAULT_CONTRACT_STATE, releases.blue.worker === releases.green.worker && releases.blue.migrator === releases.green.migrator);
    const rollbackPost = workerContract.rollbackPost ? [migration("rollback-post", [workerDatabase], image("migrator", inactiveColour))] : [];
    const scaling = workerScalingOf(args);
    this.worker = new ServiceDeployment(`${name}-worker`, {
      namespace: workersNamespace.metadata.name,
      app: "worker",
      image: imageReference(args.registry, "worker", active.worker),
      labels,
      replicas: scaling.minReplicas,
      autoscaling: { external: `KEDA ScaledObject ${WORKERS_NAMESPACE}/worker (queue depth)` },
      env: [
        ...commonEnv("worker"),
        { name: "SERVICE_VERSION", value: active.worker },
        { name: "WORKER_AGENT_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "WORKER_CONCURRENCY", value: String(scaling.runsPerAgent) },
        // A spot node's pods get 15 s of its 30 s notice (GKE): finish for 8 s, hand back, exit by 13 s.
        { name: "SHUTDOWN_TIMEOUT_MS", value: String(WORKER_SHUTDOWN_TIMEOUT_MS) },
        { name: "WORKER_HANDBACK_MS", value: "5000" },
      ],
      ...podVolumes,
      preStopDelaySeconds: 1,
      serviceAccountName: workerAccount,
      tolerations: args.workers.taints.map((taint) => ({ key: taint.key, operator: "Equal", value: taint.value, effect: TOLERATION_EFFECTS[taint.effect] })),
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: "cloud.google.com/gke-spot", operator: "In", values: ["true"] }] } }],
        },
      },
    }, { parent: this, provider: args.workers.provider, dependsOn: [...preMigrations, ...rollbackPost] });
    // Contract steps run once every agent runs the new release and the contract is applied.
    if (workerContract.post) migration("post", [this.worker]);
    this.workerScaling = createWorkerQueueScaling(`${name}-worker`, {
      namespace: workersNamespace.metadata.name,
      deploymentName: this.worker.instance,
      labels,
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      runsPerAgent: scaling.runsPerAgent,
      connectionEnv: "DATABASE_URL",
      kedaChartVersion: scaling.kedaChartVersion,
      ...(scaling.kedaChartSource ? { kedaChartSource: scaling.kedaChartSource } : {}),
      kedaNetwork: { controlPlaneCidr: args.workers.controlPlaneCidr, postgresAddress: args.network.dataServices.postgresAddress! }, // checked in validate()
      postgresServerCa: args.postgresServerCa,
    }, { ...workers, dependsOn: [this.worker] });

    this.registerOutputs({ gateway: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, gatewayAddress: this.gatewayAddress, activeColour: args.activeColour });
  }
}

const TOLERATION_EFFECTS: Readonly<Record<Taint["effect"], string>> = {
  NO_SCHEDULE: "NoSchedule",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
  NO_EXECUTE: "NoExecute",
};

/** Worker scaling with its defaults filled in (WorkerScaling documents them). */
function workerScalingOf(args: PlatformAppsArgs): Required<Omit<WorkerScaling, "kedaChartSource">> & Pick<WorkerScaling, "kedaChartSource"> {
  const scaling = args.workerScaling ?? {};
  return {
    minReplicas: scaling.minReplicas ?? 2,
    maxReplicas: scaling.maxReplicas ?? 10,
    runsPerAgent: scaling.runsPerAgent ?? 4,
    kedaChartVersion: scaling.kedaChartVersion ?? DEFAULT_KEDA_CHART_VERSION,
    ...(scaling.kedaChartSource ? { kedaChartSource: scaling.kedaChartSource } : {}),
  };
}

function validate(name: string, args: PlatformAppsArgs): void {
  const check = argChecker("PlatformApps", name);
  check(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(args.registry), "registry", `${JSON.stringify(args.registry)} is not an image registry path`, "use e.g. europe-west1-docker.pkg.dev/my-project/platform");
  for (const app of PLATFORM_APPS) {
    check(Object.hasOwn(args.identities, app), `identities.${app}`, "missing", "pass every platform app's GCP service account (stacks/platform-identities.ts)");
  }
  check(args.network.dataServices.postgresAddress !== undefined, "network.dataServices.postgresAddress", "missing", "pass the Postgres instance's private address: worker agents, their migrations and KEDA's scaler reach it");
  check(isControlPlaneCidr(args.workers.controlPlaneCidr), "workers.controlPlaneCidr", `${JSON.stringify(args.workers.controlPlaneCidr)} is not a /28 CIDR block`, "give the worker cluster's masterCidr (the services cluster's when workers run there)");
  check(args.databaseUrls.worker !== undefined, "databaseUrls.worker", "missing", "worker agents keep their queue in Postgres: add a worker database (stacks/infrastructure.ts APPS_WITH_DATABASES)");
  const { minReplicas: min, maxReplicas: max, runsPerAgent: runs, kedaChartVersion: chart } = workerScalingOf(args);
  check(Number.isInteger(min) && min >= 2, "workerScaling.minReplicas", `${min} is below 2`, "keep at least 2 agents: each serves the API and the scheduler, and a spot node may go at any time");
  check(Number.isInteger(max) && max >= min, "workerScaling.maxReplicas", `${max} is below minReplicas (${min})`, `use ${min} or more`);
  check(Number.isInteger(runs) && runs >= 1 && runs <= 256, "workerScaling.runsPerAgent", `${runs} is not from 1 to 256`, "use the attempts one agent can run at once, e.g. 4");
  const kedaChartProblem = helmChartSourceProblem(args.workerScaling?.kedaChartSource);
  check(kedaChartProblem === undefined, "workerScaling.kedaChartSource.path", kedaChartProblem ?? "", "resolve the chart folder first (the Helm release runs in the provider's working directory, not the program's)");
  check(chart === false || /^\d+\.\d+\.\d+$/.test(chart), "workerScaling.kedaChartVersion", `${JSON.stringify(chart)} is not a pinned chart version`, "pin an exact version such as 2.21.1, or false when KEDA is already installed");
  const domain = args.gatewayDomain ?? DEFAULT_GATEWAY_DOMAIN;
  check(DOMAIN_NAME.test(domain), "gatewayDomain", `${JSON.stringify(domain)} is not a lowercase DNS name of two or more labels`, "use e.g. platform.example.internal (no trailing dot, no wildcard)");
}
