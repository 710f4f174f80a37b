/**
 * Reads `pulumi preview --refresh --json` (Pulumi's stable PreviewDigest document) and reports the
 * resources whose real state no longer matches the program. It reports URNs, operations and the
 * property paths that differ, never values: a preview can carry decrypted data.
 */

/** The parts of a PreviewDigest step drift detection reads. */
interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: readonly string[];
  readonly replaceReasons?: readonly string[];
  readonly detailedDiff?: Readonly<Record<string, { readonly kind?: string }>>;
}

export interface PreviewDigest {
  readonly steps?: readonly PreviewStep[];
  readonly changeSummary?: Readonly<Record<string, number>>;
  readonly diagnostics?: readonly { readonly severity?: string; readonly message?: string; readonly urn?: string }[];
}

export interface DriftedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: string;
  /** Property paths that differ, e.g. `settings.ipConfiguration.ipv4Enabled`. */
  readonly properties: readonly string[];
}

export interface DriftReport {
  readonly stack: string;
  readonly drifted: readonly DriftedResource[];
  readonly errors: readonly string[];
}

/** Operations that change nothing. */
const NO_CHANGE = new Set(["same", "read", "refresh"]);

export function driftReport(stack: string, digest: PreviewDigest): DriftReport {
  const drifted = (digest.steps ?? [])
    .filter((step) => !NO_CHANGE.has(step.op))
    .map((step) => ({
      urn: step.urn,
      ...typeAndName(step.urn),
      op: step.op,
      properties: [...new Set([...Object.keys(step.detailedDiff ?? {}), ...(step.diffReasons ?? []), ...(step.replaceReasons ?? [])])].sort(),
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

export function renderDriftReport(report: DriftReport): string {
  if (report.errors.length > 0) {
    return [`Drift check of ${report.stack} could not complete:`, ...report.errors.map((error) => `  - ${error}`)].join("\n");
  }
  if (report.drifted.length === 0) return `No drift in ${report.stack}: every resource matches the program.`;
  return [
    `Drift in ${report.stack}: ${report.drifted.length} resource(s) differ from the program.`,
    ...report.drifted.map(
      (resource) => `  - ${resource.op} ${resource.type} ${resource.name}${resource.properties.length ? ` (${resource.properties.join(", ")})` : ""}`,
    ),
    "Run `pulumi up` to restore the declared state, or change the program if the change was intended.",
  ].join("\n");
}
