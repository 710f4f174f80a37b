/** Where Kubernetes workload types keep their pod template, and the containers inside it. */
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Unwrap } from "@pulumi/pulumi";
import { type Loose, list, record, text } from "./values";

export type PodSpec = NonNullable<Loose<Unwrap<k8s.core.v1.PodSpec>>>;
export type Container = NonNullable<Loose<Unwrap<k8s.core.v1.Container>>>;
export type ObjectMeta = NonNullable<Loose<Unwrap<k8s.meta.v1.ObjectMeta>>>;

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
export const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
export const JOB = "kubernetes:batch/v1:Job";
export const CRON_JOB = "kubernetes:batch/v1:CronJob";
export const POD = "kubernetes:core/v1:Pod";
export const REPLICA_SET = "kubernetes:apps/v1:ReplicaSet";

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  [DEPLOYMENT]: ["spec", "template"],
  [STATEFUL_SET]: ["spec", "template"],
  [DAEMON_SET]: ["spec", "template"],
  [REPLICA_SET]: ["spec", "template"],
  [JOB]: ["spec", "template"],
  [CRON_JOB]: ["spec", "jobTemplate", "spec", "template"],
  [POD]: [],
};

/** Every type that runs pods: container-level rules apply to all of them. */
export const POD_TYPES: readonly string[] = Object.keys(TEMPLATE_PATHS);
/** Workloads that serve continuously: probes and graceful shutdown apply. */
export const SERVING_TYPES: readonly string[] = [DEPLOYMENT, STATEFUL_SET, DAEMON_SET];
/** Workloads with a replica count: replicas, spread and disruption budgets apply. */
export const REPLICATED_TYPES: readonly string[] = [DEPLOYMENT, STATEFUL_SET];

export interface PodTemplate {
  /** Input path of the template (for messages), e.g. "spec.template". */
  readonly path: string;
  readonly metadata: ObjectMeta | undefined;
  readonly spec: PodSpec | undefined;
}

export function podTemplateOf(type: string, props: unknown): PodTemplate | undefined {
  const steps = TEMPLATE_PATHS[type];
  if (!steps) return undefined;
  let node: unknown = props;
  for (const step of steps) node = record(node)?.[step];
  const template = record(node);
  return {
    path: steps.join("."),
    metadata: record(template?.["metadata"]) as ObjectMeta | undefined,
    spec: record(template?.["spec"]) as PodSpec | undefined,
  };
}

export interface ContainerAt {
  readonly container: Container;
  /** "spec.template.spec.containers[0] (app)", for messages. */
  readonly where: string;
  readonly init: boolean;
}

/** The regular containers, and init containers when asked. */
export function containersOf(template: PodTemplate, options: { includeInit: boolean }): ContainerAt[] {
  const prefix = template.path ? `${template.path}.spec` : "spec";
  const groups: [string, boolean][] = options.includeInit ? [["containers", false], ["initContainers", true]] : [["containers", false]];
  return groups.flatMap(([field, init]) =>
    list(record(template.spec)?.[field]).flatMap((item, index) => {
      const container = record(item) as Container | undefined;
      if (!container) return [];
      const name = text(container.name);
      return [{ container, init, where: `${prefix}.${field}[${index}]${name ? ` (${name})` : ""}` }];
    }),
  );
}

/** Reports one violation per container that fails `check`, naming the container and the gap. */
export function checkContainers(
  type: string,
  props: unknown,
  options: { includeInit: boolean },
  check: (container: Container, template: PodTemplate) => string | undefined,
  report: (message: string) => void,
): void {
  const template = podTemplateOf(type, props);
  if (!template) return;
  for (const { container, where } of containersOf(template, options)) {
    const problem = check(container, template);
    if (problem) report(`${where}: ${problem}`);
  }
}
