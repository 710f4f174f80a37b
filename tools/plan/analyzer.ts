/**
 * The plug-in point for checks that read the whole plan: the policy pack runs through it, and any
 * further check (cost, naming) can be added to analyzers.ts without touching the plan itself.
 */
import type { PlanViolation } from "./plan-document";

/** A registered resource as a policy sees it in a real preview: secrets unwrapped, unknowns undefined. */
export interface AnalyzedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  readonly provider: string | null;
  readonly dependencies: readonly string[];
  readonly protect: boolean;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Input paths (a.b[0]) whose value is a Pulumi secret. */
  readonly secretPaths: readonly string[];
}

export interface PlanContext {
  readonly project: string;
  readonly stack: string;
  /** The stack's config as the program saw it (fully qualified keys, secrets masked). */
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly AnalyzedResource[];
}

export interface PlanAnalyzer {
  readonly name: string;
  analyze(context: PlanContext): Promise<readonly PlanViolation[]> | readonly PlanViolation[];
}
