import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLabelKey, LABEL_VALUE } from "../shared/kubernetes";
import { BRANCH_LABEL, type OrgBranchSpec, branchLabels, branchSelector, flattenBranches } from "./org-branches";

const ACME: OrgBranchSpec[] = [
  { id: "global", name: "Global", children: [{ id: "eu", children: [{ id: "france" }, { id: "germany" }] }, { id: "americas" }] },
];

/** A label selector's matchLabels matches an object when every pair is among its labels. */
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

describe("organisation branches", () => {
  it("cascade: what is in France is also in EU and Global, and not in Germany or Americas", () => {
    const branches = flattenBranches(ACME);
    const france = branchLabels(branches["france"]!);
    expect(france[BRANCH_LABEL]).toBe("france");
    for (const ancestor of ["global", "eu", "france"]) expect(matches(branchSelector(ancestor), france), ancestor).toBe(true);
    for (const other of ["germany", "americas"]) expect(matches(branchSelector(other), france), other).toBe(false);
    expect(branches["eu"]).toMatchObject({ parent: "global", path: ["global", "eu"], descendants: ["france", "germany"] });
    expect(branches["global"]!.descendants).toEqual(["eu", "france", "germany", "americas"]);
  });

  it("refuses a branch id used twice in one tenant", () => {
    expect(() => flattenBranches([{ id: "eu", children: [{ id: "eu" }] }])).toThrow("organisation branch eu appears twice");
  });

  // Any tree the config schema admits: ids of 2-30 characters, at most 6 deep.
  const branchId = fc.stringMatching(/^[a-z][a-z0-9-]{0,28}[a-z0-9]$/);
  const tree = fc.letrec<{ branch: OrgBranchSpec }>((tie) => ({
    branch: fc.record({ id: branchId, children: fc.oneof({ maxDepth: 5, depthSize: "small" }, fc.constant([]), fc.array(tie("branch"), { maxLength: 3 })) }),
  })).branch;
  const uniqueIds = (root: OrgBranchSpec): boolean => {
    const ids: string[] = [];
    const visit = (node: OrgBranchSpec) => (ids.push(node.id), (node.children ?? []).forEach(visit));
    visit(root);
    return new Set(ids).size === ids.length;
  };

  it("fit the worst case the schema allows: 6 levels of 30-character ids (a path of 185 characters)", () => {
    const ids = Array.from({ length: 6 }, (_, level) => `level${level}-${"x".repeat(22)}z`);
    const deepest = ids.reduceRight<OrgBranchSpec | undefined>((child, id) => ({ id, children: child ? [child] : [] }), undefined)!;
    const labels = branchLabels(flattenBranches([deepest])[ids[5]!]!);
    expect(ids.join(".").length).toBe(185);
    expect(Object.keys(labels).filter((key) => key.startsWith("branch.armature.dev/"))).toHaveLength(6);
    for (const [key, value] of Object.entries(labels)) expect(isLabelKey(key) && LABEL_VALUE.test(value), `${key}=${value}`).toBe(true);
  });

  it("always yield labels Kubernetes accepts (ancestry in keys, so no value nears 63 characters), and every ancestor's selector matches", () => {
    fc.assert(
      fc.property(tree.filter(uniqueIds), (root) => {
        for (const branch of Object.values(flattenBranches([root]))) {
          const labels = branchLabels(branch);
          for (const [key, value] of Object.entries(labels)) {
            expect(isLabelKey(key), key).toBe(true);
            expect(LABEL_VALUE.test(value), value).toBe(true);
          }
          for (const ancestor of branch.path) expect(matches(branchSelector(ancestor), labels)).toBe(true);
          expect(Object.keys(labels)).toHaveLength(branch.path.length + 1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
