/**
 * The plan document: the stable JSON shape that CI, reviewers and other tools read
 * (docs/architecture.md#the-offline-plan). Change it only by adding fields.
 */

export type Severity = "critical" | "high" | "medium" | "low";
export type Enforcement = "mandatory" | "advisory";

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** Inputs as registered; secrets are "[secret]" and values unknown at preview are "[unknown]". */
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface PlanViolation {
  readonly policy: string;
  readonly severity: Severity;
  readonly enforcement: Enforcement;
  readonly urn: string | null;
  readonly message: string;
  /** How to fix it; printed under the violation. */
  readonly remediation?: string;
}

export interface PlanDocument {
  readonly stack: string;
  readonly project: string;
  readonly resources: readonly PlannedResource[];
  readonly policies: { readonly violations: readonly PlanViolation[] };
  readonly summary: { readonly resources: number; readonly byType: Readonly<Record<string, number>> };
}

export function countByType(resources: readonly PlannedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
