/**
 * A tenant's organisation branches (Global → EU → France) and how membership cascades: whatever is
 * in France is also in EU and Global. Ancestry is written into label *keys*, one per ancestor, so it
 * never runs into the 63-character limit of label values however deep or long-named the tree is:
 *
 *   armature.dev/branch: france                 the object's own branch
 *   branch.armature.dev/global: "true"          one key per branch on the path from the root,
 *   branch.armature.dev/eu: "true"              including its own
 *   branch.armature.dev/france: "true"
 *
 * "Everything in EU" is then the selector `branch.armature.dev/eu`, which France's objects match.
 * Branch ids are at most 30 characters (the config schema), well inside the 63 allowed for a key's name.
 */
import type { Labels } from "../shared/types";

export interface OrgBranchSpec {
  readonly id: string;
  readonly name?: string | undefined;
  readonly children?: readonly OrgBranchSpec[] | undefined;
}

export interface OrgBranch {
  readonly id: string;
  readonly name: string;
  /** The parent's id; undefined for a root. */
  readonly parent: string | undefined;
  /** Ids from the root down to this branch, inclusive. */
  readonly path: readonly string[];
  /** Ids of every branch below this one. */
  readonly descendants: readonly string[];
}

export const BRANCH_LABEL = "armature.dev/branch";
export const BRANCH_ANCESTRY_PREFIX = "branch.armature.dev/";

/** Every branch of the tree, parents before children, keyed by id. */
export function flattenBranches(roots: readonly OrgBranchSpec[]): Readonly<Record<string, OrgBranch>> {
  const branches: Record<string, OrgBranch> = {};
  const visit = (spec: OrgBranchSpec, parentPath: readonly string[]): string[] => {
    if (Object.hasOwn(branches, spec.id)) throw new Error(`organisation branch ${spec.id} appears twice`);
    const path = [...parentPath, spec.id];
    const entry = { id: spec.id, name: spec.name ?? spec.id, parent: parentPath.at(-1), path, descendants: [] as string[] };
    branches[spec.id] = entry;
    for (const child of spec.children ?? []) entry.descendants.push(...visit(child, path));
    return [spec.id, ...entry.descendants];
  };
  for (const root of roots) visit(root, []);
  return branches;
}

/** The labels of an object that belongs to `branch`: its own branch, and membership of every ancestor. */
export function branchLabels(branch: OrgBranch): Labels {
  return {
    [BRANCH_LABEL]: branch.id,
    ...Object.fromEntries(branch.path.map((id) => [`${BRANCH_ANCESTRY_PREFIX}${id}`, "true"])),
  };
}

/** The label selector (matchLabels) of everything in `branchId` or below it. */
export function branchSelector(branchId: string): Labels {
  return { [`${BRANCH_ANCESTRY_PREFIX}${branchId}`]: "true" };
}
