/**
 * The worker agents (apps/worker) on the worker capacity (a separate cluster, or tainted pools in the
 * services cluster): their `workers` namespace with its fence and the pod contract's objects, their
 * database's migration Jobs, the agents' ServiceDeployment (tolerating the worker taints, spot nodes
 * first) and its KEDA queue scaling (worker-queue-scaling.ts).
 *
 * "Active colour" here means a redeploy, not a traffic switch: the agents have no second colour; they
 * run the active colour's worker release, so a switch rolls them when the two colours' versions differ.
 * (For the blue/green apps in PlatformApps it switches traffic between two running colours.)
 *
 * PlatformApps creates this component and checks its arguments (validate() there).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Colour } from "../blue-green-service/blue-green-service";
import { type ContractState, DEFAULT_CONTRACT_STATE, contractSteps } from "../blue-green-service/contract";
import { type MigrationPhase, createMigrationJob, migrationJobName } from "../blue-green-service/migration-job";
import type { Taint } from "../gke-cluster/node-pool";
import { ServiceDeployment } from "../service-deployment/service-deployment";
import type { HelmChartSource } from "../shared/helm-chart";
import { imageReference } from "../shared/kubernetes";
import { createNetworkPolicies } from "../shared/network-policies";
import type { Labels } from "../shared/types";
import { type PodContractObjectsArgs, createAppNamespace, createAppServiceAccount, createPodContractObjects, createSecret } from "./app-namespace";
import type { AppIdentity, WorkerClusterTarget } from "./deployment-targets";
import { WORKERS_NAMESPACE } from "./namespaces";
import { type PlatformNetworkArgs, workersNamespacePolicies } from "./platform-network-policies";
import { POD_VOLUMES, type PodContractInputs, workerAgentEnv } from "./pod-contract";
import { DEFAULT_KEDA_CHART_VERSION, type WorkerQueueScaling, createWorkerQueueScaling } from "./worker-queue-scaling";

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

export interface WorkerAgentsArgs {
  /** Image registry path; images are `<registry>/<app>:<version>`. */
  readonly registry: string;
  /** Each colour's worker and migrator versions. */
  readonly releases: Readonly<Record<Colour, Readonly<Record<"worker" | "migrator", string>>>>;
  /** The colour whose worker release the agents run (a redeploy when it changes, not a traffic switch). */
  readonly activeColour: Colour;
  /** Where the release stands with its contract (post-deploy) migrations. Default "pending". */
  readonly contract?: ContractState;
  readonly labels: Labels;
  readonly cluster: WorkerClusterTarget;
  /** The worker's GCP service account. */
  readonly identity: AppIdentity;
  /** Secret connection URL of the worker database (their queue). */
  readonly databaseUrl: pulumi.Output<string>;
  /** The pod contract's values shared with the platform apps (the worker always has a database). */
  readonly podContract: Omit<PodContractInputs, "hasDatabase">;
  /** What the pod contract's Secret and ConfigMaps hold. */
  readonly podContractObjects: PodContractObjectsArgs;
  /** The fence's inputs; `dataServices.postgresAddress` is required (the agents, their Jobs and KEDA reach it). */
  readonly network: PlatformNetworkArgs;
  /** Default: 2 to 10 agents, 4 runs each, KEDA installed from its pinned chart. */
  readonly scaling?: WorkerScaling;
  /**
   * A Google identity for the KEDA installed here, when other ScaledObjects in its cluster read Google
   * APIs (health's consumer lag when the workers share the services cluster): chart values and the
   * grants its operator waits for. Default none.
   */
  readonly kedaOperatorIdentity?: { readonly values: Record<string, unknown>; readonly grants: readonly pulumi.Resource[] };
}

export class WorkerAgents extends pulumi.ComponentResource {
  readonly deployment: ServiceDeployment;
  readonly scaling: WorkerQueueScaling;

  /**
   * Children keep the names they had as PlatformApps' own (`<name>-worker`, `<name>-workers-namespace`...),
   * so PlatformApps passes its own name.
   */
  constructor(name: string, args: WorkerAgentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:apps:WorkerAgents", name, {}, opts);
    const { labels } = args;
    // Until issue 23 these resources were PlatformApps' own children: the alias keeps their state (and
    // their children's, which follow their parent's alias) instead of replacing them.
    const moved = opts?.parent ? { aliases: [{ parent: opts.parent }] } : {};
    const workers = { parent: this, provider: args.cluster.provider, ...moved };
    const image = (app: "worker" | "migrator", colour: Colour) => imageReference(args.registry, app, args.releases[colour][app]);

    // Their own namespace on the worker capacity; their database migrated before they start; scaled on the runs waiting in it.
    const namespace = createAppNamespace(`${name}-workers-namespace`, WORKERS_NAMESPACE, labels, workers);
    createPodContractObjects(`${name}-workers`, namespace.metadata.name, args.podContractObjects, workers);
    createNetworkPolicies(`${name}-workers`, namespace.metadata.name, labels, workersNamespacePolicies(args.network), workers);
    const database = createSecret(`${name}-worker-database`, "worker-database", namespace.metadata.name, "DATABASE_URL", args.databaseUrl, labels, workers);
    const serviceAccountName = createAppServiceAccount(name, {
      app: "worker",
      namespaceName: WORKERS_NAMESPACE,
      namespace,
      identity: args.identity,
      workloadPool: args.cluster.workloadPool,
      labels,
    }, workers, { parent: this, ...moved });

    const migratorImage = image("migrator", args.activeColour);
    const migration = (phase: MigrationPhase, dependsOn: pulumi.Resource[], migrator = migratorImage, colour?: Colour) =>
      createMigrationJob(`${name}-worker-${phase}${colour ? `-${colour}` : ""}`, {
        namespace: namespace.metadata.name,
        jobName: migrationJobName(`worker-${phase}${colour ? `-${colour}` : ""}`, migrator),
        phase,
        image: migrator,
        database: "worker",
        databaseUrl: { name: database.metadata.name, key: "DATABASE_URL" },
        labels,
        serviceAccountName,
      }, { ...workers, dependsOn });
    // One expand Job per colour, as the blue/green apps have: switching either way finds its release's
    // expand already done, and never re-runs an older migrator against a newer schema (it would refuse).
    const preMigrations = (["blue", "green"] as const).map((colour) => migration("pre", [database], image("migrator", colour), colour));
    // The worker has no second colour: the inactive release is the way back, so its schema stays until
    // the contract is applied; going back after it, the contracting (inactive) release undoes it first.
    const { releases } = args;
    const inactiveColour: Colour = args.activeColour === "blue" ? "green" : "blue";
    const workerContract = contractSteps(args.contract ?? DEFAULT_CONTRACT_STATE, releases.blue.worker === releases.green.worker && releases.blue.migrator === releases.green.migrator);
    const rollbackPost = workerContract.rollbackPost ? [migration("rollback-post", [database], image("migrator", inactiveColour))] : [];
    const scaling = workerScalingOf(args.scaling);
    const version = releases[args.activeColour].worker;
    this.deployment = new ServiceDeployment(`${name}-worker`, {
      namespace: namespace.metadata.name,
      app: "worker",
      image: imageReference(args.registry, "worker", version),
      labels,
      replicas: scaling.minReplicas,
      autoscaling: { external: `KEDA ScaledObject ${WORKERS_NAMESPACE}/worker (queue depth)` },
      env: workerAgentEnv({ ...args.podContract, hasDatabase: true }, { version, runsPerAgent: scaling.runsPerAgent }),
      ...POD_VOLUMES,
      preStopDelaySeconds: 1,
      serviceAccountName,
      tolerations: args.cluster.taints.map((taint) => ({ key: taint.key, operator: "Equal", value: taint.value, effect: TOLERATION_EFFECTS[taint.effect] })),
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: "cloud.google.com/gke-spot", operator: "In", values: ["true"] }] } }],
        },
      },
    }, { ...workers, dependsOn: [...preMigrations, ...rollbackPost] });
    // Contract steps run once every agent runs the new release and the contract is applied.
    if (workerContract.post) migration("post", [this.deployment]);
    this.scaling = createWorkerQueueScaling(`${name}-worker`, {
      namespace: namespace.metadata.name,
      deploymentName: this.deployment.instance,
      labels,
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      runsPerAgent: scaling.runsPerAgent,
      connectionEnv: "DATABASE_URL",
      kedaChartVersion: scaling.kedaChartVersion,
      ...(scaling.kedaChartSource ? { kedaChartSource: scaling.kedaChartSource } : {}),
      kedaNetwork: { controlPlaneCidr: args.cluster.controlPlaneCidr, postgresAddress: args.network.dataServices.postgresAddress! }, // PlatformApps' validate() checks it
      postgresServerCa: args.podContractObjects.postgresServerCa,
      ...(args.kedaOperatorIdentity ? { kedaOperatorIdentityValues: args.kedaOperatorIdentity.values } : {}),
    }, { ...workers, dependsOn: [this.deployment, ...(args.kedaOperatorIdentity?.grants ?? [])] });

    this.registerOutputs({ namespace: WORKERS_NAMESPACE, version });
  }
}

const TOLERATION_EFFECTS: Readonly<Record<Taint["effect"], string>> = {
  NO_SCHEDULE: "NoSchedule",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
  NO_EXECUTE: "NoExecute",
};

/** Worker scaling with its defaults filled in (WorkerScaling documents them). */
export function workerScalingOf(scaling: WorkerScaling = {}): Required<Omit<WorkerScaling, "kedaChartSource">> & Pick<WorkerScaling, "kedaChartSource"> {
  return {
    minReplicas: scaling.minReplicas ?? 2,
    maxReplicas: scaling.maxReplicas ?? 10,
    runsPerAgent: scaling.runsPerAgent ?? 4,
    kedaChartVersion: scaling.kedaChartVersion ?? DEFAULT_KEDA_CHART_VERSION,
    ...(scaling.kedaChartSource ? { kedaChartSource: scaling.kedaChartSource } : {}),
  };
}
