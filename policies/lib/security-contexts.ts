/**
 * Every security context of a pod template: the pod's own and each container's (init containers
 * included). Several Pod Security Standards controls (seccomp, AppArmor, SELinux, Windows
 * HostProcess) may be set at either level; a container's value overrides the pod's.
 */
import { record } from "./values";
import { type PodTemplate, containersOf, podTemplateOf } from "./workloads";

export interface SecurityContextAt {
  /** "spec.template.spec.securityContext", or "...containers[0] (app).securityContext". */
  readonly where: string;
  readonly level: "pod" | "container";
  readonly context: Readonly<Record<string, unknown>> | undefined;
}

/** "spec.template.spec" for a workload, "spec" for a bare Pod. */
export function podSpecPath(template: PodTemplate): string {
  return template.path ? `${template.path}.spec` : "spec";
}

export function securityContextsOf(template: PodTemplate): SecurityContextAt[] {
  const pod: SecurityContextAt = { where: `${podSpecPath(template)}.securityContext`, level: "pod", context: record(template.spec?.securityContext) };
  const containers = containersOf(template, { includeInit: true }).map(({ container, where }): SecurityContextAt => ({
    where: `${where}.securityContext`,
    level: "container",
    context: record(container.securityContext),
  }));
  return [pod, ...containers];
}

/** The security contexts of a pod-bearing resource's template; none when it has no template. */
export function securityContextsOfResource(type: string, props: unknown): SecurityContextAt[] {
  const template = podTemplateOf(type, props);
  return template ? securityContextsOf(template) : [];
}
