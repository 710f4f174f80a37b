/**
 * Parses an Armature stack's raw config into the typed StackConfig, or throws one ConfigError that
 * lists every problem found. Nothing here registers resources, so a bad config fails first.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, type ConfigPath, type ConfigProblem, problem } from "./problems";
import { crossKeyProblems } from "./rules";
import { ENVIRONMENTS, type Environment, type PlainStackConfig, stackConfigSchema } from "./schema";
import { SECRET_KEYS, SECRET_LOOKING_KEY, type SecretKey, isSecretKey, setSecretCommand } from "./secrets";
import { problemsFromZod } from "./zod-problems";

/** Config as Pulumi hands it over: keys without the `armature:` namespace, values decoded. */
export interface RawStackConfig {
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys whose value is a Pulumi secret. */
  readonly secretKeys: ReadonlySet<string>;
}

export interface StackConfig extends PlainStackConfig {
  readonly stack: string;
  readonly secrets: Readonly<Partial<Record<SecretKey, pulumi.Output<string>>>>;
}

export function parseStackConfig(stack: string, raw: RawStackConfig): StackConfig {
  const plainValues: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(raw.values)) {
    if (isSecretKey(key)) continue;
    if (raw.secretKeys.has(key)) {
      problems.push({ path: [key], found: "a secret value", expected: `plain config (only ${Object.keys(SECRET_KEYS).join(", ")} are read as secrets)` });
      continue;
    }
    const leaks = secretLookingPaths(value, [key]);
    problems.push(...leaks.map(plainTextSecretProblem));
    if (leaks.length === 0) plainValues[key] = value;
  }

  const parsed = stackConfigSchema.safeParse(plainValues, { reportInput: true });
  const environment = parsed.success ? parsed.data.environment : environmentOf(raw.values);
  problems.push(...secretProblems(raw, environment));
  if (!parsed.success) {
    problems.push(...problemsFromZod(parsed.error.issues, stackConfigSchema));
    throw new ConfigError(problems);
  }
  problems.push(...crossKeyProblems(parsed.data, stack));
  if (problems.length > 0) throw new ConfigError(problems);

  return { ...parsed.data, stack, secrets: secretOutputs(raw) };
}

function secretProblems(raw: RawStackConfig, environment: Environment | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [key, spec] of Object.entries(SECRET_KEYS)) {
    const present = Object.hasOwn(raw.values, key);
    if (present && !raw.secretKeys.has(key)) {
      problems.push({ path: [key], found: "a plain-text value (not shown)", expected: `a secret: run \`${setSecretCommand(key)}\`` });
    } else if (!present && environment && (spec.requiredIn as readonly Environment[]).includes(environment)) {
      problems.push(problem([key], undefined, `a secret holding ${spec.description} (required in ${environment}): run \`${setSecretCommand(key)}\``));
    } else if (present && (typeof raw.values[key] !== "string" || raw.values[key] === "")) {
      problems.push({ path: [key], found: "an empty or non-text secret", expected: `a non-empty secret string: run \`${setSecretCommand(key)}\`` });
    }
  }
  return problems;
}

function secretOutputs(raw: RawStackConfig): StackConfig["secrets"] {
  const secrets: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of Object.keys(SECRET_KEYS) as SecretKey[]) {
    const value = raw.values[key];
    if (typeof value === "string") secrets[key] = pulumi.secret(value);
  }
  return secrets;
}

function plainTextSecretProblem(path: ConfigPath): ConfigProblem {
  return {
    path,
    found: "a plain-text value that looks like a credential (not shown)",
    expected: "no credentials in plain config: keep them in Vault, or in a secret key set with `pulumi config set --secret`",
  };
}

/** Paths of string values under keys that look like credentials, at any depth. */
function secretLookingPaths(value: unknown, path: ConfigPath): ConfigPath[] {
  const key = path[path.length - 1];
  if (typeof value === "string") return typeof key === "string" && SECRET_LOOKING_KEY.test(key) && value !== "" ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => secretLookingPaths(item, [...path, index]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([child, item]) => secretLookingPaths(item, [...path, child]));
  }
  return [];
}

function environmentOf(values: Readonly<Record<string, unknown>>): Environment | undefined {
  const environment = values["environment"];
  return ENVIRONMENTS.find((candidate) => candidate === environment);
}
