/** Pods leave the load balancer before they stop (preStop delay), and stop within 30 seconds. */
import { SERVING_TYPES, checkContainers, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { kubernetesDocs } from "../sources";

const MAX_GRACE_SECONDS = 30;

export const k8sGracefulTermination = resourcePolicy({
  name: "k8s-graceful-termination",
  description: "Serving pods have a preStop delay and a termination grace period of at most 30 seconds.",
  severity: "low",
  remediationSteps: 'Add lifecycle.preStop (for example sleep 5) to each container and keep terminationGracePeriodSeconds at 30 or less.',
  framework: kubernetesDocs("concepts/workloads/pods/pod-lifecycle/#pod-termination", "Termination of Pods: preStop hook and grace period"),
  tags: ["kubernetes", "reliability"],
  appliesTo: SERVING_TYPES,
  validate: (props, args, report) => {
    const grace = podTemplateOf(args.type, props)?.spec?.terminationGracePeriodSeconds;
    if (typeof grace === "number" && grace > MAX_GRACE_SECONDS) report(`terminationGracePeriodSeconds is ${grace}, more than ${MAX_GRACE_SECONDS}.`);
    checkContainers(args.type, props, { includeInit: false }, (container) => (container.lifecycle?.preStop ? undefined : "no lifecycle.preStop delay"), report);
  },
});
