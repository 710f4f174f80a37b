/**
 * A config problem names the key path, the value found and what is expected, so that whoever reads
 * it can fix `Pulumi.<stack>.yaml` without opening the schema.
 */
import * as pulumi from "@pulumi/pulumi";

export const CONFIG_NAMESPACE = "armature";

export type ConfigPath = readonly (string | number)[];

export interface ConfigProblem {
  readonly path: ConfigPath;
  /** Already rendered: a JSON value, or a phrase such as "nothing (the key is missing)". */
  readonly found: string;
  readonly expected: string;
}

/** `["tenants", 1, "tier"]` → `armature:tenants[1].tier`. */
export function keyPath(path: ConfigPath): string {
  const [top, ...rest] = path;
  let text = `${CONFIG_NAMESPACE}:${String(top ?? "")}`;
  for (const part of rest) text += typeof part === "number" ? `[${part}]` : `.${part}`;
  return text;
}

const MAX_SHOWN = 80;

/** Renders a found value for a message: short, on one line, and never the text of a secret. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  const text = JSON.stringify(value) ?? `a ${typeof value}`;
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
}

export function problem(path: ConfigPath, found: unknown, expected: string): ConfigProblem {
  return { path, found: showValue(found), expected };
}

export function formatProblem(p: ConfigProblem): string {
  return `${keyPath(p.path)}: found ${p.found}, expected ${p.expected}`;
}

/**
 * Thrown before any resource is registered. It is a RunError so that `pulumi up` prints the
 * message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  override readonly name = "ConfigError";

  constructor(readonly problems: readonly ConfigProblem[]) {
    const lines = problems.map(formatProblem);
    super(
      problems.length === 1
        ? `config problem: ${lines[0]}`
        : `${problems.length} config problems:\n${lines.map((line) => `  - ${line}`).join("\n")}`,
    );
  }

  static override isInstance(error: unknown): error is ConfigError {
    return error instanceof Error && error.name === "ConfigError" && "problems" in error;
  }
}
