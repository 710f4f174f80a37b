/**
 * Stack policies during a preview of resources whose provider is not configured yet.
 *
 * A stack policy sees each resource's outputs. When a provider's own inputs are unknown during a
 * preview (the Kubernetes provider of a cluster that does not exist yet: its kubeconfig is an
 * output of the cluster), the engine does not configure that provider and previews its resources
 * with an empty property map, "to treat all properties as unknown"
 * (https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/resource/plugin/provider_plugin.go,
 * `Create` and `Update` when `!pcfg.known`). A policy would read that `{}` as a Deployment without
 * replicas, or an autoscaler without minReplicas: absent, where the truth is unknown.
 *
 * So such a resource is shown to the stack policy as wholly unknown (every read is "not known"),
 * and if the policy needed it, the policy ends with the SDK's advisory "can't run during preview"
 * naming what it could not check yet. Violations found on known resources still count. During
 * `pulumi up` the provider is configured before its resources are created, so nothing is hidden.
 */
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { cannotCheckYet, containsUnknown, whollyUnknown } from "./unknowns";

/** True when the resource's provider has an input that is unknown: the engine could not configure it. */
export function providerUnconfigured(resource: Pick<PolicyResource, "provider">): boolean {
  return resource.provider !== undefined && containsUnknown(resource.provider.props);
}

export interface PreviewView {
  /** The arguments to hand the policy: resources of unconfigured providers are wholly unknown. */
  readonly args: StackValidationArgs;
  /** Throws the advisory "cannot check yet" when the policy read a resource it could not know. */
  finish(): void;
}

export function previewView(args: StackValidationArgs): PreviewView {
  // Resources that share a provider share its props object: decide once per object. A Set, as a
  // plan has thousands of resources.
  const decided = new Map<unknown, boolean>();
  const pending = new Set(args.resources.filter((resource) => {
    if (resource.provider === undefined) return false;
    let unconfigured = decided.get(resource.provider.props);
    if (unconfigured === undefined) decided.set(resource.provider.props, (unconfigured = providerUnconfigured(resource)));
    return unconfigured;
  }));
  if (pending.size === 0) return { args, finish: () => undefined };

  const needed = new Set<string>();
  const copies = new Map<PolicyResource, PolicyResource>();
  for (const resource of args.resources) {
    const props = pending.has(resource) ? whollyUnknown(() => needed.add(resource.name)) : resource.props;
    // The SDK's asType hands back the props: it must hand back the same view.
    copies.set(resource, { ...resource, props, asType: ((resourceClass: unknown) => (resource.isType(resourceClass as never) ? props : undefined)) as PolicyResource["asType"] });
  }
  // Parents and dependencies point at the copies, so a policy that follows them sees the same view.
  for (const [original, copy] of copies) {
    if (original.parent) copy.parent = copies.get(original.parent) ?? original.parent;
    copy.dependencies = original.dependencies.map((dependency) => copies.get(dependency) ?? dependency);
    copy.propertyDependencies = Object.fromEntries(
      Object.entries(original.propertyDependencies).map(([key, resources]) => [key, resources.map((dependency) => copies.get(dependency) ?? dependency)]),
    );
  }
  return {
    args: { ...args, resources: args.resources.map((resource) => copies.get(resource)!) },
    finish() {
      if (needed.size === 0) return;
      const names = [...needed];
      const listed = names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
      throw cannotCheckYet(
        `cannot check yet: ${names.length} resource(s) (${listed}) belong to a provider whose configuration is unknown until \`pulumi up\`, ` +
          "so the engine shows them with no properties; the policy runs again during `pulumi up`.",
      );
    },
  };
}
