/**
 * Reads schemathesis' NDJSON event report (`--report ndjson`): how many test cases it generated, and
 * every failed check with the response that failed it (status and, for a problem document, its code).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

export interface Finding {
  /** "PUT /v1/flags/{key}" */
  readonly operation: string;
  /** The check's name, e.g. positive_data_acceptance. */
  readonly check: string;
  /** schemathesis' failure title and message. */
  readonly title: string;
  readonly message: string;
  readonly status?: number;
  /** The `code` of a problem document answer (invalid_body, unknown_segment...). */
  readonly problemCode?: string;
  readonly caseId: string;
  readonly phase: string;
}

export interface RunReport {
  readonly cases: number;
  readonly findings: readonly Finding[];
  /** Scenarios per phase (examples, coverage, fuzzing, stateful). */
  readonly phases: Readonly<Record<string, number>>;
  /** What kept schemathesis from testing part of an operation (a failed hypothesis health check, a schema it cannot use). */
  readonly errors: readonly string[];
  /** Per operation ("PUT /v1/flags/{key}"), how often each status answered a well-formed (positive) case. */
  readonly positiveAnswers: Readonly<Record<string, Readonly<Record<number, number>>>>;
}

const checkSchema = z.object({
  name: z.string(),
  status: z.string(),
  failure_info: z.object({ failure: z.object({ title: z.string().default(""), message: z.string().default("") }).loose() }).loose().nullish(),
});
const interactionSchema = z
  .object({ response: z.object({ status_code: z.number(), content: z.object({ $base64: z.string() }).loose().nullish() }).loose().nullish() })
  .loose();
const scenarioSchema = z
  .object({
    phase: z.string(),
    recorder: z
      .object({
        label: z.string(),
        cases: z
          .record(z.string(), z.object({ value: z.object({ method: z.string(), path: z.string(), meta: z.object({ generation: z.object({ mode: z.string() }).loose() }).loose().nullish() }).loose() }).loose())
          .default({}),
        checks: z.record(z.string(), z.array(checkSchema)).default({}),
        interactions: z.record(z.string(), interactionSchema).default({}),
      })
      .loose(),
  })
  .loose();

const nonFatalErrorSchema = z.object({ label: z.string().nullish(), value: z.object({ type: z.string(), message: z.string() }).loose() }).loose();

function problemCode(base64: string | undefined): string | undefined {
  if (!base64) return undefined;
  try {
    const body: unknown = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
    return body && typeof body === "object" && "code" in body && typeof body.code === "string" ? body.code : undefined;
  } catch {
    return undefined;
  }
}

export function readRunReport(file: string): RunReport {
  let cases = 0;
  const findings: Finding[] = [];
  const phases: Record<string, number> = {};
  const positiveAnswers: Record<string, Record<number, number>> = {};
  const errors: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith('{"NonFatalError"')) {
      const { value, label } = nonFatalErrorSchema.parse((JSON.parse(line) as { NonFatalError: unknown }).NonFatalError);
      errors.push(`${label ?? "(run)"}: ${value.type}: ${value.message.split("\n")[0]}`);
    }
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const scenario = scenarioSchema.parse((JSON.parse(line) as { ScenarioFinished: unknown }).ScenarioFinished);
    const { recorder } = scenario;
    phases[scenario.phase] = (phases[scenario.phase] ?? 0) + 1;
    cases += Object.keys(recorder.cases).length;
    for (const [caseId, { value }] of Object.entries(recorder.cases)) {
      const status = recorder.interactions[caseId]?.response?.status_code;
      if (status === undefined || value.meta?.generation.mode !== "positive") continue;
      const answers = (positiveAnswers[`${value.method} ${value.path}`] ??= {});
      answers[status] = (answers[status] ?? 0) + 1;
    }
    for (const [caseId, checks] of Object.entries(recorder.checks)) {
      for (const check of checks) {
        if (check.status !== "failure") continue;
        const response = recorder.interactions[caseId]?.response;
        const failure = check.failure_info?.failure;
        const value = recorder.cases[caseId]?.value;
        const code = problemCode(response?.content?.$base64);
        findings.push({
          // A stateful scenario's label is "Stateful tests": each step names its own operation.
          operation: value ? `${value.method} ${value.path}` : recorder.label,
          check: check.name,
          title: failure?.title ?? "",
          message: failure?.message ?? "",
          caseId,
          phase: scenario.phase,
          ...(response ? { status: response.status_code } : {}),
          ...(code ? { problemCode: code } : {}),
        });
      }
    }
  }
  return { cases, findings, phases, errors, positiveAnswers };
}
