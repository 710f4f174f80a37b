/**
 * The platform's own apps on Kubernetes: discovery, flags and health as blue/green services behind
 * the platform Gateway (with pre/post-deploy migration Jobs for the apps that own a database), and
 * the worker agents (a WorkerAgents child, worker-agents.ts) on the worker capacity. Each app runs as its
 * own Kubernetes service account, bound through Workload Identity to the app's GCP service account;
 * what each pod is given (environment, mounted files) is the pod contract (pod-contract.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenService, type Colour } from "../blue-green-service/blue-green-service";
import type { ContractState } from "../blue-green-service/contract";
import { ConsumerLagScaling } from "../consumer-lag-scaling/consumer-lag-scaling";
import { createKedaOperatorIdentity, kedaWorkloadIdentityValues } from "../consumer-lag-scaling/keda-operator-identity";
import type { PostgresServerCa } from "../postgres/server-ca";
import { KIT_PORT } from "../service-deployment/service-deployment";
import { argChecker } from "../shared/arg-error";
import { isControlPlaneCidr } from "../shared/cidr";
import { DOMAIN_NAME } from "../shared/domain-name";
import { helmChartSourceProblem } from "../shared/helm-chart";
import { imageReference } from "../shared/kubernetes";
import { type DataServiceEndpoints, GATEWAY_ACCESS_LABEL, createNetworkPolicies } from "../shared/network-policies";
import type { Labels } from "../shared/types";
import { PLATFORM_APPS, type PlatformApp } from "./app-names";
import { createAppNamespace, createAppServiceAccount, createPodContractObjects, createRedisSecret, createSecret } from "./app-namespace";
import type { AppIdentity, ClusterTarget, WorkerClusterTarget } from "./deployment-targets";
import { HEALTH_MIN_REPLICAS, HEALTH_REGISTRATIONS_CONSUMER_GROUP, type HealthLagScaling, healthLagScalingOf, healthScaledObjectOwner, servicesKedaChartVersion } from "./health-lag-scaling";
import { GATEWAY_NAMESPACE, PLATFORM_NAMESPACE, WORKERS_NAMESPACE } from "./namespaces";
import { type GatewayCertificate, createPlatformGateway } from "./platform-gateway";
import { gatewayNamespacePolicies, platformNamespacePolicies } from "./platform-network-policies";
import { POD_VOLUMES, appEnv } from "./pod-contract";
import { WorkerAgents, type WorkerScaling, workerScalingOf } from "./worker-agents";

export { GATEWAY_NAMESPACE, PLATFORM_NAMESPACE, WORKERS_NAMESPACE };
export type { AppIdentity, ClusterTarget, HealthLagScaling, WorkerScaling };
/** The apps that serve HTTP traffic and are released blue/green. */
export const BLUE_GREEN_APPS = ["discovery", "flags", "health"] as const satisfies readonly PlatformApp[];

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
  /** The blue/green apps' traffic goes to it; the worker agents are redeployed with its worker release. */
  readonly activeColour: Colour;
  /** Where the release stands with its contract (post-deploy) migrations (blue-green-service/contract.ts). Default "pending". */
  readonly contract?: ContractState;
  readonly labels: Labels;
  readonly services: ClusterTarget;
  readonly workers: WorkerClusterTarget;
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
   * Health's active colour scales on its registrations consumer group's lag (KEDA, health-lag-scaling.ts);
   * needs health's database (it consumes only with it). KEDA comes with the worker agents' when the
   * workers share the services cluster (the same provider), else it is installed there too.
   * Default: none (health keeps its CPU autoscaler).
   */
  readonly healthLagScaling?: HealthLagScaling;
  /**
   * The authorisation rules document the apps read (apps/kit/authorisation/rules.ts; the stack builds it
   * from `armature:authorisation` and `armature:tenants`): a ConfigMap mounted in every app, re-read as
   * it changes. Default: the shipped rules alone (no admins, no grants).
   */
  readonly authorisationRules?: pulumi.Input<string>;
}

export const GATEWAY_NAME = "platform";
export const DEFAULT_GATEWAY_DOMAIN = "platform.armature.internal";

/**
 * "Active colour" means two things here: for the blue/green apps (discovery, flags, health) a traffic
 * switch between two running colours; for the worker agents (WorkerAgents) a redeploy of the active
 * colour's worker release.
 */
export class PlatformApps extends pulumi.ComponentResource {
  readonly services: Readonly<Record<(typeof BLUE_GREEN_APPS)[number], BlueGreenService>>;
  readonly workerAgents: WorkerAgents;
  /** Health's active colour's consumer-lag scaling, with `healthLagScaling`. */
  readonly healthLagScaling: ConsumerLagScaling | undefined;
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
    const image = (app: PlatformApp, colour: Colour) => imageReference(args.registry, app, args.releases[colour][app]);

    const platformNamespace = createAppNamespace(`${name}-namespace`, PLATFORM_NAMESPACE, labels, services, { [GATEWAY_ACCESS_LABEL]: "true" });
    const gatewayNamespace = createAppNamespace(`${name}-gateway-namespace`, GATEWAY_NAMESPACE, labels, services);
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

    const podContractObjects = {
      labels,
      redisCaCertificate: args.redisCaCertificate,
      authorisationRules: args.authorisationRules ?? JSON.stringify({ platformNamespaces: [PLATFORM_NAMESPACE, WORKERS_NAMESPACE] }),
      postgresServerCa: args.postgresServerCa,
    };
    createPodContractObjects(name, platformNamespace.metadata.name, podContractObjects, services);
    createRedisSecret(name, platformNamespace.metadata.name, args.redisUrl, labels, services);
    // Platform apps accept callers from both clusters (one issuer when the workers share the services cluster).
    const callerTokenIssuers = pulumi.all([args.services.serviceAccountIssuer, args.workers.serviceAccountIssuer]).apply((issuers) => [...new Set(issuers)].join(","));
    const podContract = { kafkaBrokers: args.kafkaBrokers, callerTokenIssuers, gatewayDomain: domain };

    const serviceAccount = (app: PlatformApp) =>
      createAppServiceAccount(name, {
        app,
        namespaceName: PLATFORM_NAMESPACE,
        namespace: platformNamespace,
        identity: args.identities[app],
        workloadPool: args.services.workloadPool,
        labels,
      }, services, { parent: this });
    const migrator = serviceAccount("migrator");
    const lagScaling = args.healthLagScaling ? healthLagScalingOf(args.healthLagScaling) : undefined;
    const healthActiveDeployment = `health-${args.activeColour}`;
    const deployed = {} as Record<(typeof BLUE_GREEN_APPS)[number], BlueGreenService>;
    for (const app of BLUE_GREEN_APPS) {
      const databaseUrl = args.databaseUrls[app];
      const databaseSecret = databaseUrl ? createSecret(`${name}-${app}-database`, `${app}-database`, platformNamespace.metadata.name, "DATABASE_URL", databaseUrl, labels, services) : undefined;
      deployed[app] = new BlueGreenService(`${name}-${app}`, {
        app,
        namespace: platformNamespace.metadata.name,
        labels,
        images: { blue: image(app, "blue"), green: image(app, "green") },
        activeColour: args.activeColour,
        ...(args.contract ? { contract: args.contract } : {}),
        env: appEnv(app, { ...podContract, hasDatabase: databaseUrl !== undefined }),
        deployment: { serviceAccountName: serviceAccount(app), ...POD_VOLUMES },
        // KEDA owns the active colour's count; the inactive one keeps its HPA (and no ScaledObject).
        ...(app === "health" && lagScaling ? { activeAutoscaling: { external: healthScaledObjectOwner(healthActiveDeployment) } } : {}),
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

    // One cluster has one KEDA: when the workers share the services cluster, the agents' KEDA scales
    // health too, so its operator gets the Google identity that reads Cloud Monitoring.
    const workersShareServices = args.workers.provider === args.services.provider;
    const sharedKedaIdentity = lagScaling && workersShareServices
      ? createKedaOperatorIdentity(`${name}-health-lag`, { project: lagScaling.project, namePrefix: args.network.namePrefix, workloadPool: args.services.workloadPool }, { parent: this })
      : undefined;
    const workerScaling = workerScalingOf(args.workerScaling);

    this.workerAgents = new WorkerAgents(name, {
      registry: args.registry,
      releases: args.releases,
      activeColour: args.activeColour,
      ...(args.contract ? { contract: args.contract } : {}),
      labels,
      cluster: args.workers,
      identity: args.identities.worker,
      databaseUrl: args.databaseUrls.worker!, // checked in validate()
      podContract,
      podContractObjects,
      network: fence,
      ...(args.workerScaling ? { scaling: args.workerScaling } : {}),
      ...(sharedKedaIdentity ? { kedaOperatorIdentity: { values: kedaWorkloadIdentityValues(sharedKedaIdentity.account.email), grants: sharedKedaIdentity.grants } } : {}),
    }, { parent: this });

    this.healthLagScaling = lagScaling
      ? new ConsumerLagScaling(`${name}-health-lag`, {
          namespace: platformNamespace.metadata.name,
          deploymentName: healthActiveDeployment,
          project: lagScaling.project,
          kafka: lagScaling.kafka,
          topic: lagScaling.topic,
          consumerGroup: HEALTH_REGISTRATIONS_CONSUMER_GROUP,
          lagPerReplica: lagScaling.lagPerReplica,
          minReplicas: HEALTH_MIN_REPLICAS,
          maxReplicas: lagScaling.maxReplicas,
          labels,
          keda: workersShareServices
            ? false
            : {
                chartVersion: servicesKedaChartVersion(workerScaling.kedaChartVersion),
                ...(workerScaling.kedaChartSource ? { chartSource: workerScaling.kedaChartSource } : {}),
                namePrefix: args.network.namePrefix,
                workloadPool: args.services.workloadPool,
                controlPlaneCidr: lagScaling.servicesControlPlaneCidr,
              },
        }, {
          parent: this,
          providers: [args.services.provider],
          // The ScaledObject names the active colour's Deployment; with a shared KEDA, its CRDs come with the agents' release.
          dependsOn: [deployed.health.colours[args.activeColour], ...(workersShareServices && this.workerAgents.scaling.keda ? [this.workerAgents.scaling.keda] : [])],
        })
      : undefined;

    this.registerOutputs({ gateway: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, gatewayAddress: this.gatewayAddress, activeColour: args.activeColour });
  }
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
  const { minReplicas: min, maxReplicas: max, runsPerAgent: runs, kedaChartVersion: chart } = workerScalingOf(args.workerScaling);
  check(Number.isInteger(min) && min >= 2, "workerScaling.minReplicas", `${min} is below 2`, "keep at least 2 agents: each serves the API and the scheduler, and a spot node may go at any time");
  check(Number.isInteger(max) && max >= min, "workerScaling.maxReplicas", `${max} is below minReplicas (${min})`, `use ${min} or more`);
  check(Number.isInteger(runs) && runs >= 1 && runs <= 256, "workerScaling.runsPerAgent", `${runs} is not from 1 to 256`, "use the attempts one agent can run at once, e.g. 4");
  const kedaChartProblem = helmChartSourceProblem(args.workerScaling?.kedaChartSource);
  check(kedaChartProblem === undefined, "workerScaling.kedaChartSource.path", kedaChartProblem ?? "", "resolve the chart folder first (the Helm release runs in the provider's working directory, not the program's)");
  check(chart === false || /^\d+\.\d+\.\d+$/.test(chart), "workerScaling.kedaChartVersion", `${JSON.stringify(chart)} is not a pinned chart version`, "pin an exact version such as 2.21.1, or false when KEDA is already installed");
  if (args.healthLagScaling) {
    check(args.databaseUrls.health !== undefined, "healthLagScaling", "set, but health has no database, so it consumes no registration events and has no lag to scale on", "add a health database (stacks/infrastructure.ts APPS_WITH_DATABASES) or leave healthLagScaling unset");
    check(args.workers.provider !== args.services.provider || chart !== false, "workerScaling.kedaChartVersion", "false, but the workers share the services cluster, so health's lag scaling needs the agents' KEDA install to give its operator a Google identity", "leave kedaChartVersion unset (or pinned) so the agents install KEDA, or leave healthLagScaling unset");
  }
  const domain = args.gatewayDomain ?? DEFAULT_GATEWAY_DOMAIN;
  check(DOMAIN_NAME.test(domain), "gatewayDomain", `${JSON.stringify(domain)} is not a lowercase DNS name of two or more labels`, "use e.g. platform.example.internal (no trailing dot, no wildcard)");
}
