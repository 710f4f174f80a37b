/**
 * Test support: run the real program for the dev stack (or an edited copy of its config) in process,
 * and keep both views of what it registered: the plan document (secrets masked) and the resources as
 * policies see them (dependencies, providers, secrets unwrapped). Plans run one after another.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPOSITORY_ROOT } from "../repository-root";
import type { AnalyzedResource, PlanAnalyzer } from "./analyzer";
import type { PlanDocument } from "./plan-document";
import { runPlan } from "./run-plan";

export interface CapturedPlan {
  readonly document: PlanDocument;
  readonly resources: readonly AnalyzedResource[];
  ofType(type: string): AnalyzedResource[];
  /** The one resource of `type` named `name` (throws when absent, so a test fails clearly). */
  one(type: string, name: string): AnalyzedResource;
  /** Every resource under `parent` (children, grandchildren, ...). */
  descendants(parent: AnalyzedResource): AnalyzedResource[];
}

/** Pulumi.dev.yaml's text with Vault's second stage applied (the committed file leaves it pending). */
export function withVaultConfigured(text: string): string {
  return text.replace(/^(\s*configuration:) pending$/m, "$1 applied");
}

/** Plans the dev stack; `edit` rewrites Pulumi.dev.yaml's text first (the edit must change something). */
export async function planDevStack(edit?: (text: string) => string): Promise<CapturedPlan> {
  let configFile: string | undefined;
  if (edit) {
    const original = readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.dev.yaml"), "utf8");
    const edited = edit(original);
    if (edited === original) throw new Error("the config edit changed nothing: the test would compare a plan with itself");
    configFile = path.join(mkdtempSync(path.join(tmpdir(), "armature-plan-")), "Pulumi.dev.yaml");
    writeFileSync(configFile, edited);
  }
  let resources: readonly AnalyzedResource[] = [];
  const capture: PlanAnalyzer = { name: "capture", analyze: (context) => ((resources = context.resources), []) };
  const { document } = await runPlan({ stack: "dev", configFile, analyzers: [capture] });
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  const descendants = (parent: AnalyzedResource): AnalyzedResource[] =>
    resources.filter((resource) => resource.parent === parent.urn).flatMap((child) => [child, ...descendants(child)]);
  return {
    document,
    resources,
    ofType,
    descendants,
    one(type, name) {
      const found = ofType(type).find((resource) => resource.name === name);
      if (!found) throw new Error(`the plan has no ${type} named ${name}; it has ${ofType(type).map((resource) => resource.name).join(", ") || "none"}`);
      return found;
    },
  };
}
