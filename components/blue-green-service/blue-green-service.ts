/**
 * Blue/green for one service (Argo Rollouts' active/preview model on the Gateway API): two colours,
 * each a ServiceDeployment with its own Service; an active Service and a preview Service for callers
 * inside the cluster; and an HTTPRoute whose default rule weights the colours (all traffic to the
 * active one) while a header rule (`x-preview: <colour>`) reaches either colour on purpose. Switching
 * the active colour changes only the route's weights and the two Services' selectors; the colours'
 * Deployments stay as they are, so a switch is instant and a switch back is too.
 *
 * Migrations: each colour's pre-deploy Job (expand) must complete before that colour's Deployment
 * starts and before the route or the active/preview Services send it any traffic. The post-deploy Job
 * (contract) of the active colour runs only when `contract` is "applied": after the switch and after
 * the inactive colour is retired (scaled to zero), so no running version needs the old schema.
 * Going back after a contract ("undone") runs the inactive release's rollback-post Job first.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import { DNS_LABEL, imageVersion, isPinnedImage } from "../shared/kubernetes";
import type { Labels } from "../shared/types";
import { SERVICE_PORT, ServiceDeployment, type ServiceDeploymentArgs } from "../service-deployment/service-deployment";
import { type MigrationPhase, type SecretKeyRef, createMigrationJob, migrationJobName } from "./migration-job";
import { CONTRACT_STATES, type ContractState, DEFAULT_CONTRACT_STATE, contractSteps } from "./contract";

import { COLOURS, type Colour } from "./colours";

export { COLOURS, type Colour };
export { CONTRACT_STATES, type ContractState };
export const COLOUR_LABEL = "armature.dev/colour";
export const DEFAULT_PREVIEW_HEADER = "x-preview";

export interface GatewayRef {
  readonly name: string;
  readonly namespace: string;
  /** A listener of the Gateway. Default: every listener that admits the route. */
  readonly sectionName?: string;
}

export interface MigrationSpec {
  /** The migrator image of each colour's release. */
  readonly images: Readonly<Record<Colour, string>>;
  /** The folder under migrations/ (MIGRATOR_DATABASE). */
  readonly database: string;
  /** The Secret key with the database URL. */
  readonly databaseUrl: SecretKeyRef;
  readonly serviceAccountName?: pulumi.Input<string>;
  /** Default 1800. */
  readonly deadlineSeconds?: number;
}

export interface BlueGreenServiceArgs {
  readonly app: string;
  readonly namespace: pulumi.Input<string>;
  readonly labels: Labels;
  /** Each colour's image, pinned. */
  readonly images: Readonly<Record<Colour, string>>;
  /** The colour that receives traffic. */
  readonly activeColour: Colour;
  /** Settings both colours share (replicas, resources, env, service account, ...). */
  readonly deployment?: Omit<ServiceDeploymentArgs, "namespace" | "app" | "instance" | "image" | "labels" | "podLabels" | "service" | "env">;
  /**
   * The active colour's autoscaling, over `deployment`'s (the inactive colour keeps that one), e.g.
   * `{ external: "KEDA ScaledObject platform/health-blue" }` when a ScaledObject scales only the
   * active colour: its Deployment then leaves `replicas` to KEDA and has no HPA. Default: as `deployment`.
   */
  readonly activeAutoscaling?: ServiceDeploymentArgs["autoscaling"];
  /** Environment of both colours (each also gets SERVICE_VERSION, its image version, which the kit reports). */
  readonly env?: readonly k8s.types.input.core.v1.EnvVar[];
  readonly gateway: GatewayRef;
  /** Host names the route answers. Default: every host of the listener. */
  readonly hostnames?: readonly string[];
  /** Default "x-preview". */
  readonly previewHeader?: string;
  /** Percent of ordinary traffic sent to the inactive colour (a gradual shift). Default 0. */
  readonly inactiveWeight?: number;
  /** Pre- and post-deploy migration Jobs. Default: none. */
  readonly migrations?: MigrationSpec;
  /**
   * Where the release stands with its contract migration (contract.ts, README "Releasing"):
   * "pending" (default), "applied" (retire the inactive colour, then run the active release's post),
   * "undone" (run the inactive release's rollback-post before the active colour gets traffic).
   */
  readonly contract?: ContractState;
}

export class BlueGreenService extends pulumi.ComponentResource {
  readonly colours: Readonly<Record<Colour, ServiceDeployment>>;
  /** `<app>`: the active colour's pods. */
  readonly activeService: k8s.core.v1.Service;
  /** `<app>-preview`: the inactive colour's pods. */
  readonly previewService: k8s.core.v1.Service;
  readonly route: k8s.apiextensions.CustomResource;
  readonly preDeployJobs: Readonly<Partial<Record<Colour, k8s.batch.v1.Job>>>;
  readonly postDeployJob: k8s.batch.v1.Job | undefined;
  /** The inactive release's rollback-post, when going back after a contract. */
  readonly rollbackPostJob: k8s.batch.v1.Job | undefined;
  readonly inactiveColour: Colour;
  /** The colour scaled to zero (contract "applied"), if any. */
  readonly retiredColour: Colour | undefined;

  constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:workloads:BlueGreenService", name, {}, opts);
    validate(name, args);
    const active = args.activeColour;
    const inactive: Colour = active === "blue" ? "green" : "blue";
    this.inactiveColour = inactive;
    const child = { parent: this };
    const appLabels = { ...args.labels, "app.kubernetes.io/name": args.app, "app.kubernetes.io/part-of": "armature" };

    const migrations = args.migrations;
    const migrationJob = (resourceName: string, phase: MigrationPhase, colour: Colour, jobOpts: pulumi.CustomResourceOptions) =>
      createMigrationJob(resourceName, {
        namespace: args.namespace,
        jobName: jobName(args.app, phase, colour, migrations!.images[colour]),
        phase,
        image: migrations!.images[colour],
        database: migrations!.database,
        databaseUrl: migrations!.databaseUrl,
        labels: { ...args.labels, [COLOUR_LABEL]: colour },
        serviceAccountName: migrations!.serviceAccountName,
        deadlineSeconds: migrations!.deadlineSeconds,
      }, jobOpts);
    const preDeployJobs: Partial<Record<Colour, k8s.batch.v1.Job>> = {};
    if (migrations) {
      for (const colour of COLOURS) preDeployJobs[colour] = migrationJob(`${name}-pre-${colour}`, "pre", colour, child);
    }
    this.preDeployJobs = preDeployJobs;
    const preJobs = Object.values(preDeployJobs);

    const sameRelease = args.images.blue === args.images.green && (!migrations || migrations.images.blue === migrations.images.green);
    const steps = contractSteps(args.contract ?? DEFAULT_CONTRACT_STATE, sameRelease);
    this.retiredColour = steps.retireInactive ? inactive : undefined;
    // Only the release that contracted knows its post steps, so its migrator undoes them.
    this.rollbackPostJob = migrations && steps.rollbackPost ? migrationJob(`${name}-rollback-post`, "rollback-post", inactive, child) : undefined;
    const rollback = this.rollbackPostJob ? [this.rollbackPostJob] : [];

    const colours = {} as Record<Colour, ServiceDeployment>;
    for (const colour of COLOURS) {
      const job = preDeployJobs[colour];
      colours[colour] = new ServiceDeployment(`${name}-${colour}`, {
        ...args.deployment,
        ...(colour === active && args.activeAutoscaling !== undefined ? { autoscaling: args.activeAutoscaling } : {}),
        namespace: args.namespace,
        app: args.app,
        instance: `${args.app}-${colour}`,
        image: args.images[colour],
        labels: args.labels,
        podLabels: { [COLOUR_LABEL]: colour },
        env: [...(args.env ?? []), { name: "SERVICE_VERSION", value: imageVersion(args.images[colour]) }],
      }, {
        parent: this,
        // The active release starts only on the schema it was built for: after an undone contract.
        dependsOn: [...(job ? [job] : []), ...(colour === active ? rollback : [])],
        transformations: colour === this.retiredColour ? [retire] : [],
      });
    }
    this.colours = colours;

    // Traffic waits for every colour's expand step, an undone contract, and (through the colours) their pods.
    const beforeTraffic = { parent: this, dependsOn: [...preJobs, ...rollback, ...Object.values(colours)] };
    const colourService = (serviceName: string, colour: Colour) =>
      new k8s.core.v1.Service(serviceName, {
        metadata: { name: serviceName, namespace: args.namespace, labels: { ...appLabels, "armature.dev/serves": colour === active ? "active" : "preview" } },
        spec: {
          type: "ClusterIP",
          selector: { "app.kubernetes.io/name": args.app, [COLOUR_LABEL]: colour },
          ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
        },
      }, beforeTraffic);
    this.activeService = colourService(args.app, active);
    this.previewService = colourService(`${args.app}-preview`, inactive);

    const header = args.previewHeader ?? DEFAULT_PREVIEW_HEADER;
    const inactiveWeight = args.inactiveWeight ?? 0;
    const backend = (colour: Colour, weight?: number) => ({
      kind: "Service",
      name: colours[colour].instance,
      port: SERVICE_PORT,
      ...(weight === undefined ? {} : { weight }),
    });
    const spec: HttpRouteSpec = {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: args.gateway.name, namespace: args.gateway.namespace, ...(args.gateway.sectionName ? { sectionName: args.gateway.sectionName } : {}) }],
      ...(args.hostnames ? { hostnames: [...args.hostnames] } : {}),
      rules: [
        // Header rules are more specific than the default rule, so they win (Gateway API precedence).
        ...COLOURS.map((colour) => ({
          matches: [{ path: { type: "PathPrefix", value: "/" }, headers: [{ type: "Exact", name: header, value: colour }] }],
          backendRefs: [backend(colour)],
        })),
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: COLOURS.map((colour) => backend(colour, colour === active ? 100 - inactiveWeight : inactiveWeight)),
        },
      ],
    };
    this.route = new k8s.apiextensions.CustomResource(name, {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: args.app, namespace: args.namespace, labels: appLabels },
      spec,
    }, beforeTraffic);

    // Contract only once traffic has moved and the old release no longer runs (it was retired, or is this one).
    this.postDeployJob = migrations && steps.post
      ? migrationJob(`${name}-post`, "post", active, { parent: this, dependsOn: [this.route, this.activeService, this.previewService, colours[inactive]] })
      : undefined;

    this.registerOutputs({ activeColour: active, activeService: args.app, previewService: `${args.app}-preview` });
  }
}

/** The parts of a Gateway API v1 HTTPRoute spec this component writes. */
interface HttpRouteSpec {
  parentRefs: { group: string; kind: string; name: string; namespace: string; sectionName?: string }[];
  hostnames?: string[];
  rules: {
    matches: { path: { type: string; value: string }; headers?: { type: string; name: string; value: string }[] }[];
    backendRefs: { kind: string; name: string; port: number; weight?: number }[];
  }[];
}

/**
 * Retires a colour: its Deployment at zero replicas, so its pods stop before the contract runs. Its
 * HorizontalPodAutoscaler then stops scaling it until the count is above zero again
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#implicit-maintenance-mode-deactivation);
 * un-retiring drops the field, which server-side apply resets to its default, 1, when no other manager
 * owns it (https://kubernetes.io/docs/reference/using-api/server-side-apply/), and the HPA scales up from there.
 */
const retire: pulumi.ResourceTransformation = ({ type, props, opts }) => {
  if (type !== "kubernetes:apps/v1:Deployment") return undefined;
  const spec = props["spec"] as Record<string, unknown>;
  return { props: { ...props, spec: { ...spec, replicas: 0 } }, opts };
};

/** `<app>-<phase>-<colour>-<version>`: a new release is a new Job (Job templates are immutable). */
export function jobName(app: string, phase: string, colour: Colour, image: string): string {
  return migrationJobName(`${app}-${phase}-${colour}`, image);
}

function validate(name: string, args: BlueGreenServiceArgs): void {
  const check = argChecker("BlueGreenService", name);
  check(DNS_LABEL.test(args.app) && args.app.length <= 50, "app", `${JSON.stringify(args.app)} is not a DNS label of at most 50 characters`, "use lowercase letters, digits and '-' (the colour is appended)");
  check((COLOURS as readonly string[]).includes(args.activeColour), "activeColour", `${JSON.stringify(args.activeColour)} is not a colour`, "use blue or green");
  for (const colour of COLOURS) {
    check(isPinnedImage(args.images[colour]), `images.${colour}`, `${JSON.stringify(args.images[colour])} is not pinned`, "use <registry>/<name>:<tag> (not latest) or @sha256:<digest>");
    if (args.migrations) {
      check(isPinnedImage(args.migrations.images[colour]), `migrations.images.${colour}`, `${JSON.stringify(args.migrations.images[colour])} is not pinned`, "use the migrator image of the colour's release, pinned");
    }
  }
  const weight = args.inactiveWeight ?? 0;
  check(Number.isInteger(weight) && weight >= 0 && weight <= 50, "inactiveWeight", `${weight} is outside 0-50`, "send at most half the traffic to the inactive colour; switch activeColour to go further");
  const contract = args.contract ?? DEFAULT_CONTRACT_STATE;
  check((CONTRACT_STATES as readonly string[]).includes(contract), "contract", `${JSON.stringify(contract)} is not a contract state`, `use one of ${CONTRACT_STATES.join(", ")}`);
  check(contract !== "applied" || weight === 0, "contract", `"applied" retires the inactive colour, which inactiveWeight still sends ${weight}% of the traffic`, "set inactiveWeight to 0 first, or keep contract pending while the colours share traffic");
  const header = args.previewHeader ?? DEFAULT_PREVIEW_HEADER;
  check(/^[a-z0-9-]{1,64}$/.test(header), "previewHeader", `${JSON.stringify(header)} is not a lowercase HTTP header name`, 'use e.g. "x-preview"');
}
