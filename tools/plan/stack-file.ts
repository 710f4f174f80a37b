/**
 * Reads the project (Pulumi.yaml) and a stack's config (Pulumi.<stack>.yaml) the way the Pulumi CLI
 * hands them to a program: fully qualified keys, JSON text for structured values, secret keys listed.
 * A stack file cannot be decrypted offline, so every `secure:` value becomes the "[secret]" mark.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { EPHEMERAL_BASE_STACK, deriveEphemeralConfig } from "../../stacks/ephemeral-template";
import { EPHEMERAL_STACK } from "../../stacks/config/rules";
import { StackFileError, UsageError } from "./errors";
import { SECRET_MARK } from "./wire-values";

/** Pulumi's rule for stack names. */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export interface StackConfigSource {
  readonly project: string;
  readonly stack: string;
  /** Where the config came from, for messages: a file, or "template from Pulumi.dev.yaml". */
  readonly origin: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

export function readStackConfig(rootDir: string, stack: string, configFile?: string): StackConfigSource {
  if (!STACK_NAME.test(stack)) {
    throw new UsageError(`bad stack name ${JSON.stringify(stack)}: use letters, digits, '-', '_' or '.' (for example dev, prod, pr-42)`);
  }
  const project = readProjectName(rootDir);
  const file = configFile ? path.resolve(configFile) : path.join(rootDir, `Pulumi.${stack}.yaml`);
  const pullRequest = EPHEMERAL_STACK.exec(stack);

  if (!existsSync(file)) {
    if (configFile) throw new UsageError(`no config file at ${configFile}`);
    if (pullRequest) {
      const { config, baseFile } = ephemeralStackConfig(rootDir, Number(pullRequest[1]));
      return { project, stack, origin: `ephemeral template from ${path.basename(baseFile)}`, ...encode(config) };
    }
    throw new UsageError(`no stack named ${JSON.stringify(stack)}: there is no ${path.basename(file)} (known stacks: ${knownStacks(rootDir).join(", ") || "none"}; pr-<n> stacks come from the ephemeral template)`);
  }
  return { project, stack, origin: path.relative(rootDir, file) || file, ...encode(readStackFileConfig(file)) };
}

/**
 * A pull request's stack config: the base stack's, without its secrets (their ciphertext belongs
 * to the base stack alone), through the ephemeral template.
 */
export function ephemeralStackConfig(rootDir: string, pullRequest: number): { config: Record<string, unknown>; omittedSecrets: string[]; baseFile: string } {
  const baseFile = path.join(rootDir, `Pulumi.${EPHEMERAL_BASE_STACK}.yaml`);
  const { plain, omitted } = withoutSecrets(readStackFileConfig(baseFile));
  return { config: deriveEphemeralConfig(plain, pullRequest), omittedSecrets: omitted, baseFile };
}

function readProjectName(rootDir: string): string {
  const projectFile = path.join(rootDir, "Pulumi.yaml");
  const document = parseYamlFile(projectFile);
  const name = (document as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || name === "") throw new StackFileError(`${projectFile}: expected a project name under "name"`);
  return name;
}

/** The `config:` mapping of a stack file, as written (secure values still encrypted). */
function readStackFileConfig(file: string): Record<string, unknown> {
  const document = parseYamlFile(file) ?? {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new StackFileError(`${path.basename(file)}: expected a mapping with a "config" key`);
  }
  const config = (document as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackFileError(`${path.basename(file)}: "config" must be a mapping of namespace:key to value`);
  }
  for (const key of Object.keys(config)) {
    if (!key.includes(":")) {
      throw new StackFileError(`${path.basename(file)}: config key ${JSON.stringify(key)} has no namespace; write it as armature:${key}`);
    }
  }
  return config as Record<string, unknown>;
}

function parseYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`cannot read ${file}`);
  }
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    const position = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const where = position ? `:${position.line}:${position.col}` : "";
    throw new StackFileError(`${path.basename(file)}${where}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
}

/**
 * Splits off the keys holding a `secure:` value anywhere inside: their ciphertext belongs to one
 * stack's secrets provider and cannot be carried into another stack.
 */
function withoutSecrets(values: Record<string, unknown>): { plain: Record<string, unknown>; omitted: string[] } {
  const omitted = Object.keys(values).filter((key) => maskSecure(values[key]).secret);
  const plain = Object.fromEntries(Object.entries(values).filter(([key]) => !omitted.includes(key)));
  return { plain, omitted };
}

function encode(values: Record<string, unknown>): Pick<StackConfigSource, "config" | "secretKeys"> {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const masked = maskSecure(value);
    if (masked.secret) secretKeys.push(key);
    config[key] = typeof masked.value === "string" ? masked.value : JSON.stringify(masked.value);
  }
  return { config, secretKeys };
}

/** `{ secure: "v1:..." }` anywhere in a value makes the whole key secret (as in the Pulumi CLI). */
function maskSecure(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(maskSecure);
    return { value: items.map((item) => item.value), secret: items.some((item) => item.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === "secure") return { value: SECRET_MARK, secret: true };
    const masked = entries.map(([key, item]) => [key, maskSecure(item)] as const);
    return {
      value: Object.fromEntries(masked.map(([key, item]) => [key, item.value])),
      secret: masked.some(([, item]) => item.secret),
    };
  }
  return { value, secret: false };
}

function knownStacks(rootDir: string): string[] {
  try {
    return readdirSync(rootDir)
      .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
      .filter((name): name is string => name !== undefined);
  } catch {
    return [];
  }
}

