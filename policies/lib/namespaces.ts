/**
 * Which namespace a Kubernetes object lives in, for stack policies that pair objects up (a quota
 * with its namespace, a budget with its Deployment). Names are often outputs, unknown during a
 * preview: an object whose namespace is unknown is placed by its dependency on the Namespace
 * resource instead, so pairing works in a preview as well as in an update.
 */
import type { PolicyResource } from "@pulumi/policy";
import { K8S_NAMESPACE } from "../resource-types";
import { readKnown, readPath, record, valueAt } from "./values";

export interface NamespaceIndex {
  /** A key equal for every object in the same namespace. */
  keyOf(resource: PolicyResource): string;
}

export function indexNamespaces(resources: readonly PolicyResource[]): NamespaceIndex {
  const keyOfNamespace = (namespace: PolicyResource): string => {
    const name = knownMetadata(namespace, "name");
    return typeof name === "string" && name !== "" ? `name:${name}` : `urn:${namespace.urn}`;
  };
  const namespaces = new Map(resources.filter((resource) => resource.type === K8S_NAMESPACE).map((namespace) => [namespace.urn, keyOfNamespace(namespace)]));
  return {
    keyOf(resource) {
      if (resource.type === K8S_NAMESPACE) return keyOfNamespace(resource);
      const namespace = readPath(resource.props, ["metadata", "namespace"]);
      if (namespace.known) return `name:${typeof namespace.value === "string" && namespace.value !== "" ? namespace.value : "default"}`;
      const owner = resource.dependencies.find((dependency) => namespaces.has(dependency.urn));
      return owner ? namespaces.get(owner.urn)! : `unknown:${resource.urn}`;
    },
  };
}

/** metadata.<field>, or undefined when absent or unknown. */
export function knownMetadata(resource: { readonly props: unknown }, field: string): unknown {
  return valueAt(resource.props, ["metadata", field]);
}

/** The object's known labels (unknown values are left out). */
export function knownLabels(resource: { readonly props: unknown }): Readonly<Record<string, string>> {
  const labels = record(knownMetadata(resource, "labels"));
  const result: Record<string, string> = {};
  for (const key of Object.keys(labels ?? {})) {
    const value = readKnown(labels, key);
    if (value.known && typeof value.value === "string") result[key] = value.value;
  }
  return result;
}
