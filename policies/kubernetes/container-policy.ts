/** A policy that every container of a pod template must satisfy, reported once per failing container. */
import { type Container, type PodTemplate, checkContainers } from "../lib/workloads";
import { type ArmatureResourcePolicy, type PolicyMetadata, resourcePolicy } from "../policy";

export interface ContainerPolicySpec extends PolicyMetadata {
  readonly appliesTo: readonly string[];
  /** Init containers too (security, resources, images), or only the serving ones (probes). */
  readonly includeInit: boolean;
  /** What is wrong with the container, or undefined when it complies. */
  readonly check: (container: Container, template: PodTemplate) => string | undefined;
}

export function containerPolicy(spec: ContainerPolicySpec): ArmatureResourcePolicy {
  const { includeInit, check, ...metadata } = spec;
  return resourcePolicy({
    ...metadata,
    validate: (props, args, report) => checkContainers(args.type, props, { includeInit }, check, report),
  });
}
