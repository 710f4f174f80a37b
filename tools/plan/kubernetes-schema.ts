/**
 * Checks every Kubernetes object in the plan against the Kubernetes OpenAPI schemas, as the API
 * server would on `pulumi up`: the objects of the `kubernetes-models` package (schemas of Kubernetes
 * v1.33.0), Gateway API objects from `@kubernetes-models/gateway-api` (Gateway API v1.0.0 CRDs) and
 * KEDA objects from `@kubernetes-models/keda` (its CRDs), and GKE's own objects (the Gateway's
 * HealthCheckPolicy, networking.gke.io/v1) from `@kubernetes-models/gke`.
 * Helm releases are checked where their values embed Kubernetes objects (known charts only). A type
 * with no known schema is reported too (advisory), so nothing passes unchecked without a word: today
 * Managed Prometheus' PodMonitoring (monitoring.googleapis.com/v1), for which no maintained package
 * ships a schema (the @kubernetes-models/* packages, gke included, have none).
 *
 * Limitation: these schemas do not reject unknown fields (no additionalProperties); the typed
 * @pulumi/kubernetes inputs catch misspelt fields at compile time instead.
 */
import { createRequire } from "node:module";
import type { AnalyzedResource, PlanAnalyzer } from "./analyzer";
import type { PlanViolation } from "./plan-document";

export const KUBERNETES_SCHEMA_VERSION = "v1.33.0";
export const GATEWAY_API_VERSION = "v1.0.0";
const POLICY = "kubernetes-openapi-schema";

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

const load = createRequire(__filename);

/** API groups of custom resources the plan creates, and the package with their CRD schemas. */
const CRD_PACKAGES: Readonly<Record<string, string>> = {
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
  "keda.sh": "@kubernetes-models/keda",
  "networking.gke.io": "@kubernetes-models/gke",
};

/** Model classes by type: a plan checks thousands of objects of a few dozen types. */
const models = new Map<string, ModelClass | undefined>();

/** `kubernetes:apps/v1:Deployment` → the model class, or undefined when no schema is known. */
export function modelFor(type: string): ModelClass | undefined {
  if (!models.has(type)) models.set(type, findModel(type));
  return models.get(type);
}

function findModel(type: string): ModelClass | undefined {
  const match = /^kubernetes:(?:(.+)\/)?([^/:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const [, group, version, kind] = match;
  const crdPackage = group === undefined ? undefined : CRD_PACKAGES[group];
  const modules = crdPackage
    ? [`${crdPackage}/${group}/${version}/${kind}`]
    : [group === undefined || group === "core" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`];
  for (const module of modules) {
    try {
      const exported = load(module) as Record<string, ModelClass | undefined>;
      return exported[kind!];
    } catch {
      // Not a type these packages know.
    }
  }
  return undefined;
}

/** Value paths of a chart's values that hold Kubernetes objects, and their schema (core/v1 kinds). */
const CHART_VALUE_SCHEMAS: Readonly<Record<string, readonly { path: string[]; kind: string; list: boolean }[]>> = {
  // Installed with its defaults: no values that embed Kubernetes objects.
  keda: [],
  vault: [
    { path: ["server", "resources"], kind: "ResourceRequirements", list: false },
    { path: ["server", "volumes"], kind: "Volume", list: true },
    { path: ["server", "volumeMounts"], kind: "VolumeMount", list: true },
    { path: ["server", "topologySpreadConstraints"], kind: "TopologySpreadConstraint", list: true },
  ],
};

export interface SchemaCheck {
  /** Resources checked against a schema. */
  readonly checked: number;
  readonly violations: PlanViolation[];
}

export function checkKubernetesSchemas(resources: readonly AnalyzedResource[]): SchemaCheck {
  const violations: PlanViolation[] = [];
  let checked = 0;
  const report = (resource: AnalyzedResource, message: string, enforcement: PlanViolation["enforcement"] = "mandatory") =>
    violations.push({
      policy: POLICY,
      severity: "high",
      enforcement,
      urn: resource.urn,
      message,
      remediation: enforcement === "mandatory"
        ? `Fix the object so it matches the Kubernetes ${KUBERNETES_SCHEMA_VERSION} API (Gateway API ${GATEWAY_API_VERSION}).`
        : "Nothing to fix here: no schema package covers this type, so the object is not validated before `pulumi up`; review it by hand or add a maintained schema package to the check.",
    });
  for (const resource of resources.filter((candidate) => candidate.type.startsWith("kubernetes:"))) {
    if (resource.type === "kubernetes:helm.sh/v3:Release") {
      const chart = typeof resource.inputs["chart"] === "string" ? resource.inputs["chart"] : "";
      const schemas = CHART_VALUE_SCHEMAS[chart];
      if (!schemas) {
        report(resource, `no schema known for the values of chart ${chart}`, "advisory");
        continue;
      }
      checked += 1;
      for (const { path, kind, list } of schemas) {
        const value = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], resource.inputs["values"]);
        if (value === undefined) continue;
        const Model = modelFor(`kubernetes:core/v1:${kind}`)!;
        const items = list ? (value as unknown[]) : [value];
        items.forEach((item, index) => {
          const problem = validationProblem(Model, item);
          if (problem) report(resource, `values.${path.join(".")}${list ? `[${index}]` : ""}: ${problem}`);
        });
      }
      continue;
    }
    const Model = modelFor(resource.type);
    if (!Model) {
      report(resource, `no Kubernetes schema known for ${resource.type}`, "advisory");
      continue;
    }
    checked += 1;
    const problem = validationProblem(Model, resource.inputs);
    if (problem) report(resource, `${resource.type} ${resource.name}: ${problem}`);
  }
  return { checked, violations };
}

function validationProblem(Model: ModelClass, data: unknown): string | undefined {
  try {
    new Model(data).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^data\//, "").replace(/\ndata\//g, "; ");
  }
}

export const kubernetesSchemaAnalyzer: PlanAnalyzer = {
  name: POLICY,
  analyze: (context) => checkKubernetesSchemas(context.resources).violations,
};
