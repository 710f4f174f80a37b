/** Passing and violating examples of the label policies, including provider default labels. */
import { LABELS, deployment } from "../fixtures/compliant-parts";
import { DEPLOYMENT } from "../lib/workloads";
import { K8S_NAMESPACE, REDIS_INSTANCE, SQL_INSTANCE } from "../resource-types";
import type { SubjectProvider } from "../runner";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { labelsGcpRequired } from "./labels-gcp-required";
import { labelsK8sRequired } from "./labels-k8s-required";

const SECRET = "gcp:secretmanager/secret:Secret";
const CLUSTER = "gcp:container/cluster:Cluster";
const gcpProvider = (defaultLabels: unknown): SubjectProvider => ({
  urn: "urn:pulumi:test::armature::pulumi:providers:gcp::gcp",
  type: "pulumi:providers:gcp",
  name: "gcp",
  // Provider inputs travel as JSON text, as the engine hands them over.
  inputs: { project: "armature-dev-4821", defaultLabels: JSON.stringify(defaultLabels) },
});
const secret = (labels: object | undefined, provider?: SubjectProvider) => ({
  type: SECRET,
  inputs: { secretId: "webhook", replication: { auto: {} }, ...(labels ? { labels } : {}) },
  ...(provider ? { provider } : {}),
});

export const labelCases: readonly PolicyCases[] = [
  {
    policy: labelsGcpRequired,
    passes: [
      resource("labels on the resource", secret(LABELS)),
      resource("labels from the provider's defaultLabels", secret(undefined, gcpProvider(LABELS))),
      resource("split between provider and resource", secret({ tenant: "acme" }, gcpProvider({ team: "platform", environment: "dev" }))),
      resource("a GKE cluster's resourceLabels", { type: CLUSTER, inputs: { location: "europe-west1", resourceLabels: LABELS } }),
      resource("Cloud SQL userLabels", { type: SQL_INSTANCE, inputs: { settings: { tier: "db-f1-micro", userLabels: LABELS } } }),
      resource("a type without labels", { type: "gcp:projects/service:Service", inputs: { service: "compute.googleapis.com" } }),
      resource("a label set required by the config", secret({ team: "platform" }), { config: { requiredLabels: ["team"] } }),
    ],
    violations: [
      resource("no labels anywhere", secret(undefined), { expect: /team, tenant, environment: set them in labels/ }),
      resource("tenant missing from both", secret({ team: "platform" }, gcpProvider({ environment: "dev" })), { expect: /label\(s\) tenant:/ }),
      resource("an empty label value", secret({ ...LABELS, tenant: "" })),
      resource("Cloud SQL relying on provider defaults (they do not apply)", { type: SQL_INSTANCE, inputs: { settings: { tier: "db-f1-micro" } }, provider: gcpProvider(LABELS) }, { expect: /settings\.userLabels/ }),
      resource("a Redis instance without labels", { type: REDIS_INSTANCE, inputs: { memorySizeGb: 1 } }),
    ],
  },
  {
    policy: labelsK8sRequired,
    passes: [
      resource("a labelled Deployment", { type: DEPLOYMENT, inputs: deployment("acme") }),
      resource("a Helm release (its objects are the chart's)", { type: "kubernetes:helm.sh/v3:Release", inputs: { chart: "vault" } }),
    ],
    violations: [
      resource("a Deployment without labels", { type: DEPLOYMENT, inputs: unset(deployment("acme"), "metadata.labels") }),
      resource("a namespace without tenant", { type: K8S_NAMESPACE, inputs: set({ metadata: { name: "acme" } }, "metadata.labels", { team: "t", environment: "dev" }) }, { expect: /tenant in metadata\.labels/ }),
    ],
  },
];
