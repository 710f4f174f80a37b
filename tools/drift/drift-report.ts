/**
 * Reads the engine's refresh diff (`pulumi refresh --preview-only --json`: Pulumi's PreviewDigest
 * document) and reports the resources whose real state no longer matches the stack's state, that
 * is, what was changed behind Pulumi's back. A refresh compares the state with what the providers
 * read back; it does not run the program, so a program change that was never applied is not in it
 * (`pulumi preview` would show that, and it is not drift).
 *
 * In a refresh diff every resource has a step: `refresh` when nothing changed, `update` when the
 * provider read back different properties (detailedDiff names them by path), `delete` when the
 * resource is gone. The report names resources and property paths, never values: a diff can carry
 * decrypted data.
 */

/** The parts of a PreviewDigest step drift detection reads. */
interface RefreshStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: readonly string[];
  readonly detailedDiff?: Readonly<Record<string, { readonly kind?: string }>> | null;
}

export interface RefreshDigest {
  readonly steps?: readonly RefreshStep[];
  readonly changeSummary?: Readonly<Record<string, number>>;
  readonly diagnostics?: readonly { readonly severity?: string; readonly message?: string; readonly urn?: string }[];
}

export interface DriftedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** `update`: its properties differ; `delete`: it no longer exists. */
  readonly op: string;
  /** Property paths that differ, e.g. `metadata.labels.tenant`, `spec.policyTypes[1]`. */
  readonly properties: readonly string[];
}

export interface DriftReport {
  readonly stack: string;
  readonly drifted: readonly DriftedResource[];
  readonly errors: readonly string[];
}

/** Steps that mean the resource is as the state says. */
const UNCHANGED = new Set(["refresh", "same", "read"]);

export function driftReport(stack: string, digest: RefreshDigest): DriftReport {
  const drifted = (digest.steps ?? [])
    .filter((step) => !UNCHANGED.has(step.op))
    .map((step) => ({
      urn: step.urn,
      ...typeAndName(step.urn),
      op: step.op,
      properties: [...new Set([...Object.keys(step.detailedDiff ?? {}), ...(step.diffReasons ?? [])])].sort(),
    }));
  const errors = (digest.diagnostics ?? [])
    .filter((diagnostic) => diagnostic.severity === "error")
    .map((diagnostic) => (diagnostic.message ?? "").trim().split("\n")[0] ?? "");
  return { stack, drifted, errors };
}

/** urn:pulumi:<stack>::<project>::<parent$type>::<name> */
function typeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: (parts[2] ?? "").split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

const VERB: Readonly<Record<string, string>> = { update: "changed", delete: "deleted" };

export function renderDriftReport(report: DriftReport): string {
  if (report.errors.length > 0) return renderCheckFailure(report.stack, report.errors);
  if (report.drifted.length === 0) return `No drift in ${report.stack}: every resource is as Pulumi last left it.`;
  return [
    `Drift in ${report.stack}: ${report.drifted.length} resource(s) changed outside Pulumi.`,
    ...report.drifted.map(
      (resource) => `  - ${VERB[resource.op] ?? resource.op} ${resource.type} ${resource.name}${resource.properties.length ? ` (${resource.properties.join(", ")})` : ""}`,
    ),
    `Run \`pulumi up --refresh --stack ${report.stack}\` to restore what the program declares, or change the program if the change was intended.`,
  ].join("\n");
}

export function renderCheckFailure(stack: string, errors: readonly string[]): string {
  return [`Drift check of ${stack} could not complete:`, ...errors.map((error) => `  - ${error}`)].join("\n");
}
