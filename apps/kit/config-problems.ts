/**
 * Turns a zod issue about one environment variable into a line a person can act on: what was found
 * (never a secret-looking value), what is expected in words, and how to fix it. The expectation is
 * read from the issue and the variable's schema (type, range, allowed values, format); a schema's
 * `.describe("a postgres:// URL")` or a custom check message is used where it says more.
 */
import type { z } from "zod";

export interface ConfigProblem {
  readonly variable: string;
  readonly found: string;
  readonly expected: string;
}

/** Secrets are never echoed back in errors, nor suggested as examples. */
export const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|KEY|URL)$/;

/** What one variable's schema says about itself, once its default/optional wrappers are removed. */
interface FieldFacts {
  readonly inner: z.ZodType | undefined;
  readonly description: string | undefined;
  readonly defaultValue: unknown;
  readonly optional: boolean;
}

function factsOf(field: z.ZodType | undefined): FieldFacts {
  let inner = field;
  let description = field?.description;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    const def = inner?._zod.def;
    if (def?.type === "default") defaultValue = (def as unknown as { defaultValue: unknown }).defaultValue;
    else if (def?.type !== "optional") break;
    optional = true;
    inner = (def as unknown as { innerType: z.ZodType }).innerType;
    description ??= inner.description;
  }
  return { inner, description, defaultValue, optional };
}

/** zod's own English messages start like this; anything else was written by the schema's author. */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big))\b/;

/** "an integer from 0 to 65535", "a number of at least 1", ... from a number schema's checks. */
function numberPhrase(inner: z.ZodType | undefined): string {
  const number = inner as Partial<z.ZodNumber> | undefined;
  const bound = (value: number | null | undefined) => (value === null || value === undefined || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value);
  const [min, max] = [bound(number?.minValue), bound(number?.maxValue)];
  const kind = number?.isInt ? "an integer" : "a number";
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (min !== undefined) return `${kind} of at least ${min}`;
  if (max !== undefined) return `${kind} of at most ${max}`;
  return kind;
}

function typePhrase(expected: string, inner: z.ZodType | undefined): string {
  if (expected === "number" || expected === "int") return numberPhrase(inner);
  if (expected === "boolean") return "true or false";
  return `a ${expected}`;
}

function expectation(issue: z.core.$ZodIssue, facts: FieldFacts, missing: boolean): string {
  if (missing && facts.description) return facts.description;
  switch (issue.code) {
    case "invalid_type":
      return typePhrase(issue.expected, facts.inner);
    case "too_small":
    case "too_big":
      if (issue.origin === "number" || issue.origin === "int") return numberPhrase(facts.inner);
      if (issue.origin === "string") {
        if (issue.code === "too_small") return issue.minimum === 1 ? "a non-empty value" : `at least ${issue.minimum} characters`;
        return `at most ${issue.maximum} characters`;
      }
      break;
    case "invalid_value":
      return `one of ${issue.values.map(String).join(", ")}`;
    case "invalid_format":
      if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
      if (issue.format === "url") return "an absolute URL, e.g. https://host:port/path";
      if (issue.format === "regex") return `a value matching ${issue.pattern}`;
      return `a valid ${issue.format}`;
    case "custom":
      return issue.message;
  }
  return facts.description ?? issue.message;
}

/** An example to set, when the schema gives a safe one: its default, or its first allowed value. */
function exampleOf(issue: z.core.$ZodIssue, facts: FieldFacts): string | undefined {
  if (facts.defaultValue !== undefined) return typeof facts.defaultValue === "string" ? facts.defaultValue : JSON.stringify(facts.defaultValue);
  if (issue.code === "invalid_value" && issue.values.length > 0) return String(issue.values[0]);
  return undefined;
}

function remedy(variable: string, issue: z.core.$ZodIssue, facts: FieldFacts, missing: boolean, secret: boolean): string {
  const example = secret ? undefined : exampleOf(issue, facts);
  if (example !== undefined) return facts.defaultValue !== undefined ? `set ${variable}=${example}, or unset it for that default` : `set e.g. ${variable}=${example}`;
  if (missing) return `set ${variable}`;
  return facts.optional ? `correct ${variable}, or unset it` : `correct ${variable}`;
}

/** One problem line's parts for `issue`, about the variables of `schema` as found in `env`. */
export function configProblem(issue: z.core.$ZodIssue, schema: z.ZodObject, env: Record<string, string | undefined>): ConfigProblem {
  const variable = issue.path.map(String).join(".") || "(environment)";
  const raw = env[variable];
  const missing = raw === undefined;
  const secret = SECRET_NAME.test(variable);
  const facts = factsOf(schema.shape[variable] as z.ZodType | undefined);
  const found = missing ? "nothing (unset)" : secret ? "a value (not shown)" : JSON.stringify(raw);
  return { variable, found, expected: `${expectation(issue, facts, missing)} (${remedy(variable, issue, facts, missing, secret)})` };
}
