/** Replicas spread over zones and nodes, so one failure never takes all of them. */
import { list, record, text } from "../lib/values";
import { REPLICATED_TYPES, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { polaris } from "../sources";

const ZONE = "topology.kubernetes.io/zone";
const NODE = "kubernetes.io/hostname";

export const k8sTopologySpread = resourcePolicy({
  name: "k8s-topology-spread",
  description: "Replicated workloads spread their pods across zones and nodes.",
  severity: "medium",
  remediationSteps: `Add topologySpreadConstraints with topologyKey "${ZONE}" and "${NODE}" (or a podAntiAffinity on "${NODE}").`,
  framework: polaris("topologySpreadConstraint", "Pod should be configured with a valid topology spread constraint"),
  tags: ["kubernetes", "reliability"],
  appliesTo: REPLICATED_TYPES,
  validate: (props, args, report) => {
    const spec = podTemplateOf(args.type, props)?.spec;
    const keys = list(spec?.topologySpreadConstraints).map((constraint) => text(constraint?.topologyKey));
    const antiAffinity = record(spec?.affinity?.podAntiAffinity);
    const antiKeys = [
      ...list(antiAffinity?.["requiredDuringSchedulingIgnoredDuringExecution"]).map((term) => text(record(term)?.["topologyKey"])),
      ...list(antiAffinity?.["preferredDuringSchedulingIgnoredDuringExecution"]).map((term) => text(record(record(term)?.["podAffinityTerm"])?.["topologyKey"])),
    ];
    if (!keys.includes(ZONE)) report(`Pods are not spread across zones: no topologySpreadConstraint on ${ZONE}.`);
    if (!keys.includes(NODE) && !antiKeys.includes(NODE)) report(`Pods are not spread across nodes: no topologySpreadConstraint or podAntiAffinity on ${NODE}.`);
  },
});
