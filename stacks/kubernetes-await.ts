/**
 * `armature:kubernetes.awaitReadiness: false` turns off the Kubernetes provider's waiting for
 * readiness, for a test stack on a control plane without nodes (its pods never run). Every
 * Kubernetes object gets the provider's documented `pulumi.com/skipAwait` annotation, and Helm
 * releases their `skipAwait` input:
 * https://www.pulumi.com/registry/packages/kubernetes/installation-configuration/#skipawait
 * Real stacks keep the default and wait (rules.ts refuses false in prod).
 */
import * as pulumi from "@pulumi/pulumi";

export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

type Annotations = Record<string, pulumi.Input<string>>;

/** A resource transform (register it with pulumi.runtime.registerResourceTransform). */
export function skipKubernetesAwait(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (!args.custom || !args.type.startsWith("kubernetes:")) return undefined;
  if (args.type === HELM_RELEASE) return { props: { ...args.props, skipAwait: true }, opts: args.opts };
  return { props: { ...args.props, metadata: withSkipAwait(args.props["metadata"]) }, opts: args.opts };
}

/**
 * Adds the annotation without wrapping known parts in an Output: a metadata object that stays plain
 * keeps its name and namespace known in a preview, for the policies and the diff.
 */
function withSkipAwait(metadata: pulumi.Input<unknown>): pulumi.Input<unknown> {
  if (pulumi.Output.isInstance(metadata)) return metadata.apply(withSkipAwait);
  const plain = (metadata ?? {}) as { annotations?: pulumi.Input<Annotations> };
  const annotations = plain.annotations;
  const annotated = pulumi.Output.isInstance(annotations)
    ? annotations.apply((known) => ({ ...known, [SKIP_AWAIT_ANNOTATION]: "true" }))
    : { ...(annotations as Annotations | undefined), [SKIP_AWAIT_ANNOTATION]: "true" };
  return { ...plain, annotations: annotated };
}
