/** The namespace index: `mayShareWith` (indexed) answers exactly what filtering with `mayShare` does. */
import type { PolicyResource } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { K8S_NAMESPACE, K8S_NETWORK_POLICY, K8S_RESOURCE_QUOTA } from "../resource-types";
import { indexNamespaces } from "./namespaces";
import { asPreviewInputs } from "./unknowns";

let count = 0;
/** A resource as a stack policy sees it; `undefined` in props is a value unknown during the preview. */
function resource(type: string, metadata: Record<string, unknown>, dependencies: PolicyResource[] = []): PolicyResource {
  count += 1;
  return { type, urn: `urn:pulumi:dev::armature::${type}::r${count}`, name: `r${count}`, props: asPreviewInputs({ metadata }), dependencies } as unknown as PolicyResource;
}

describe("the namespace index", () => {
  const named = resource(K8S_NAMESPACE, { name: "acme" });
  const generated = resource(K8S_NAMESPACE, {});
  const unknownName = resource(K8S_NAMESPACE, { name: undefined });
  const resources = [
    named,
    generated,
    unknownName,
    resource(K8S_NETWORK_POLICY, { namespace: "acme" }),
    resource(K8S_NETWORK_POLICY, { namespace: "globex" }),
    resource(K8S_NETWORK_POLICY, { namespace: undefined }, [generated]),
    resource(K8S_NETWORK_POLICY, { namespace: undefined }, [unknownName]),
    resource(K8S_NETWORK_POLICY, { namespace: undefined }),
    resource(K8S_NETWORK_POLICY, {}),
    resource(K8S_RESOURCE_QUOTA, { namespace: "acme" }),
    resource(K8S_RESOURCE_QUOTA, { namespace: undefined }, [generated]),
  ];

  it("finds, for each kind of namespace, the objects mayShare admits, in the order given", () => {
    const index = indexNamespaces(resources);
    for (const namespace of [named, generated, unknownName]) {
      for (const type of [K8S_NETWORK_POLICY, K8S_RESOURCE_QUOTA, K8S_NAMESPACE]) {
        const filtered = resources.filter((candidate) => candidate.type === type && index.mayShare(candidate, namespace));
        expect(index.mayShareWith(type, namespace), `${type} with ${namespace.name}`).toEqual(filtered);
      }
    }
  });

  it("pairs as documented: a named namespace also takes unknown ones, a generated one only its own", () => {
    const index = indexNamespaces(resources);
    const names = (found: readonly PolicyResource[]) => found.map((candidate) => candidate.name);
    expect(names(index.mayShareWith(K8S_NETWORK_POLICY, named))).toEqual(["r4", "r7", "r8"]);
    expect(names(index.mayShareWith(K8S_NETWORK_POLICY, generated))).toEqual(["r6"]);
    expect(names(index.mayShareWith(K8S_NETWORK_POLICY, unknownName))).toEqual(["r4", "r5", "r7", "r8", "r9"]);
  });
});
