/** Turns zod issues into config problems: key path, value found, what is expected. */
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { type ConfigPath, type ConfigProblem, problem, showValue } from "./problems";

type Issue = z.core.$ZodIssue & { input?: unknown };

export function problemsFromZod(issues: readonly Issue[], schema: z.ZodType): ConfigProblem[] {
  return issues.flatMap((issue) => fromIssue(issue, schema));
}

function fromIssue(issue: Issue, schema: z.ZodType): ConfigProblem[] {
  const path = issue.path as ConfigPath;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => unknownKey([...path, key], knownKeysAt(schema, path)));
    case "invalid_type":
      if (issue.input === undefined) return [problem(path, undefined, expectedFor(issue))];
      return [problem(path, issue.input, expectedFor(issue))];
    case "invalid_value":
      return [problem(path, issue.input, `one of ${issue.values.map((v) => showValue(v)).join(", ")}`)];
    default:
      return [problem(path, issue.input, issue.message)];
  }
}

/** Our schema's messages are phrased as expectations; zod's own defaults are rephrased here. */
function expectedFor(issue: Issue & { code: "invalid_type" }): string {
  return issue.message.startsWith("Invalid input") ? `a value of type ${issue.expected}` : issue.message;
}

export function unknownKey(path: ConfigPath, known: readonly string[]): ConfigProblem {
  const key = String(path[path.length - 1]);
  const suggestion = known.length > 0 ? closest(key, [...known]) : undefined;
  const isTypo = suggestion !== undefined && distance(key, suggestion) <= Math.max(2, Math.floor(key.length / 3));
  const hint = isTypo ? ` (did you mean "${suggestion}"?)` : "";
  return {
    path,
    found: "an unknown key",
    expected: known.length > 0 ? `one of ${known.join(", ")}${hint}` : "no key here",
  };
}

/** The keys an object schema allows at `path`, unwrapping optionals, defaults and arrays. */
export function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const part of path) {
    if (!current) return [];
    if (typeof part === "number") {
      current = current instanceof z.ZodArray ? unwrap(current.element as z.ZodType) : undefined;
    } else {
      current = current instanceof z.ZodObject ? unwrap(current.shape[part] as z.ZodType) : undefined;
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current && (current instanceof z.ZodOptional || current instanceof z.ZodDefault)) {
    current = current.def.innerType as z.ZodType;
  }
  return current;
}
