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
  /**
   * Whether the two may be in the same namespace: they are, or one's namespace is not known yet
   * (during a preview). A rule that needs a companion object (a quota, a budget) counts such a
   * companion, so an unknown name never makes a violation; during `pulumi up` names are known.
   */
  mayShare(a: PolicyResource, b: PolicyResource): boolean;
  /**
   * The objects of `type` that may share `other`'s namespace (`mayShare`), in the order given,
   * found through an index: a plan of a thousand tenants has tens of thousands of objects.
   */
  mayShareWith(type: string, other: PolicyResource): readonly PolicyResource[];
}

export function indexNamespaces(resources: readonly PolicyResource[]): NamespaceIndex {
  // Keys starting with "unknown:" stand for a namespace not known yet; a Namespace without a name
  // (the provider names it) is keyed by its URN, and its objects reach it through their dependency.
  const keyOfNamespace = (namespace: PolicyResource): string => {
    const name = readPath(namespace.props, ["metadata", "name"]);
    if (!name.known) return `unknown:${namespace.urn}`;
    return typeof name.value === "string" && name.value !== "" ? `name:${name.value}` : `urn:${namespace.urn}`;
  };
  const namespaces = new Map(resources.filter((resource) => resource.type === K8S_NAMESPACE).map((namespace) => [namespace.urn, keyOfNamespace(namespace)]));
  const keyOfObject = (resource: PolicyResource): string => {
    if (resource.type === K8S_NAMESPACE) return keyOfNamespace(resource);
    const namespace = readPath(resource.props, ["metadata", "namespace"]);
    if (namespace.known) return `name:${typeof namespace.value === "string" && namespace.value !== "" ? namespace.value : "default"}`;
    const owner = resource.dependencies.find((dependency) => namespaces.has(dependency.urn));
    return owner ? namespaces.get(owner.urn)! : `unknown:${resource.urn}`;
  };
  // An object's key is read once: a policy pairing objects asks for the same one many times.
  const keys = new Map<PolicyResource, string>();
  const keyOf = (resource: PolicyResource): string => {
    let key = keys.get(resource);
    if (key === undefined) keys.set(resource, (key = keyOfObject(resource)));
    return key;
  };
  const unknown = (key: string) => key.startsWith("unknown:");
  // A generated name is known only from the Namespace's outputs: an object not depending on it
  // cannot be in it, whatever its unknown namespace turns out to be.
  const generated = (key: string) => key.startsWith("urn:");
  const byType = new Map<string, TypeIndex>();
  let order: Map<PolicyResource, number> | undefined;
  const indexOf = (type: string): TypeIndex => {
    let index = byType.get(type);
    if (index) return index;
    index = { byKey: new Map(), unknownKey: [], notGenerated: [] };
    for (const resource of resources) {
      if (resource.type !== type) continue;
      const key = keyOf(resource);
      const sameKey = index.byKey.get(key);
      if (sameKey) sameKey.push(resource);
      else index.byKey.set(key, [resource]);
      if (unknown(key)) index.unknownKey.push(resource);
      if (!generated(key)) index.notGenerated.push(resource);
    }
    byType.set(type, index);
    return index;
  };
  return {
    keyOf,
    mayShare(a, b) {
      const [keyA, keyB] = [keyOf(a), keyOf(b)];
      return keyA === keyB || (unknown(keyA) && !generated(keyB)) || (unknown(keyB) && !generated(keyA));
    },
    mayShareWith(type, other) {
      const index = indexOf(type);
      const key = keyOf(other);
      // mayShare, solved for the first object: an unknown namespace may be any but a generated
      // one; a generated one holds only its own objects; a named one also the unknown ones.
      if (unknown(key)) return index.notGenerated;
      const sameKey = index.byKey.get(key) ?? [];
      if (generated(key) || index.unknownKey.length === 0) return sameKey;
      order ??= new Map(resources.map((resource, position) => [resource, position]));
      const position = order;
      return [...new Set([...sameKey, ...index.unknownKey])].sort((a, b) => position.get(a)! - position.get(b)!);
    },
  };
}

/** One type's objects by namespace key, and those a namespace of any (or any named) key may hold. */
interface TypeIndex {
  readonly byKey: Map<string, PolicyResource[]>;
  readonly unknownKey: PolicyResource[];
  readonly notGenerated: PolicyResource[];
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
