/**
 * The schemathesis findings the project accepts, each with its reason (schemathesis-exceptions.json).
 * Every other finding fails the conformance test. An exception names the app, the operation ("*":
 * every operation of the app), the check, and optionally the answer's status and problem code.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { HTTP_APPS, type AppName } from "./platform-apps";
import type { Finding } from "./schemathesis-report";

export const EXCEPTIONS_FILE = path.join(__dirname, "schemathesis-exceptions.json");

const CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_headers_conformance",
  "response_schema_conformance",
  "negative_data_rejection",
  "positive_data_acceptance",
  "missing_required_header",
  "unsupported_method",
  "allow_header_conformance",
  "use_after_free",
  "ensure_resource_availability",
  "ignored_auth",
  "object_level_authorization",
] as const;

const exceptionSchema = z.strictObject({
  app: z.enum(HTTP_APPS),
  operation: z.string().regex(/^(\*|(GET|PUT|POST|DELETE|PATCH) \/\S*)$/, '"*" or "<METHOD> <path as in the document>"'),
  check: z.enum(CHECKS),
  status: z.number().int().min(100).max(599).optional(),
  problemCode: z.string().min(1).optional(),
  reason: z.string().min(40, "say why the finding is accepted: what the service does and why the document cannot say it"),
});
export type SchemathesisException = z.infer<typeof exceptionSchema>;

const fileSchema = z.strictObject({ exceptions: z.array(exceptionSchema) });

export function loadExceptions(file = EXCEPTIONS_FILE): SchemathesisException[] {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}`);
  }
  return parsed.data.exceptions;
}

export function excepts(exception: SchemathesisException, app: AppName, finding: Finding): boolean {
  return (
    exception.app === app &&
    (exception.operation === "*" || exception.operation === finding.operation) &&
    exception.check === finding.check &&
    (exception.status === undefined || exception.status === finding.status) &&
    (exception.problemCode === undefined || exception.problemCode === finding.problemCode)
  );
}

/** Splits findings into those an exception covers and those that fail the run. */
export function classify(app: AppName, findings: readonly Finding[], exceptions: readonly SchemathesisException[]): { accepted: Finding[]; unexpected: Finding[] } {
  const accepted: Finding[] = [];
  const unexpected: Finding[] = [];
  for (const finding of findings) (exceptions.some((exception) => excepts(exception, app, finding)) ? accepted : unexpected).push(finding);
  return { accepted, unexpected };
}
