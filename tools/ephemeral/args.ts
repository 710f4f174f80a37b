/** The ephemeral tool's command line. */
import { parseArgs } from "node:util";
import { EPHEMERAL_TTL_HOURS } from "../../stacks/ephemeral-template";
import { UsageError } from "../plan/errors";

export const USAGE = [
  "usage: npm run ephemeral -- create <pr> [--config <key.path>=<value>]... [--force] [--config-only] [--dry-run]",
  "       npm run ephemeral -- destroy <pr> [--dry-run]",
  `       npm run ephemeral -- reap [--ttl-hours <h>] [--now <ISO time>] [--dry-run]   (default TTL ${EPHEMERAL_TTL_HOURS} h)`,
].join("\n");

/** One `--config kubernetes.awaitReadiness=false`: a key path of the stack config (namespace `armature:` unless given) and its value. */
export interface ConfigOverride {
  readonly key: string;
  readonly value: string;
}

export type EphemeralCommand =
  | {
      readonly command: "create";
      readonly pullRequest: number;
      readonly config: readonly ConfigOverride[];
      readonly force: boolean;
      readonly configOnly: boolean;
      readonly dryRun: boolean;
    }
  | { readonly command: "destroy"; readonly pullRequest: number; readonly dryRun: boolean }
  | { readonly command: "reap"; readonly ttlHours: number; readonly now: Date; readonly dryRun: boolean }
  | { readonly command: "help" };

export function parseEphemeralArgs(argv: readonly string[], clock: () => Date = () => new Date()): EphemeralCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        force: { type: "boolean", default: false },
        "config-only": { type: "boolean", default: false },
        config: { type: "string", multiple: true, short: "c" },
        "dry-run": { type: "boolean", default: false },
        "ttl-hours": { type: "string" },
        now: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === "help") return { command: "help" };
  const dryRun = values["dry-run"];
  switch (command) {
    case "create":
      return { command, pullRequest: pullRequestArg(rest), config: (values.config ?? []).map(configArg), force: values.force, configOnly: values["config-only"], dryRun };
    case "destroy":
      if (values.config) throw new UsageError(`--config is for create only\n${USAGE}`);
      return { command, pullRequest: pullRequestArg(rest), dryRun };
    case "reap":
      if (values.config) throw new UsageError(`--config is for create only\n${USAGE}`);
      if (rest.length > 0) throw new UsageError(`reap takes no positional arguments, found ${rest.join(" ")}\n${USAGE}`);
      return { command, ttlHours: ttlArg(values["ttl-hours"]), now: nowArg(values.now, clock), dryRun };
    default:
      throw new UsageError(`${command === undefined ? "missing the command" : `unknown command ${JSON.stringify(command)}`}: expected create, destroy or reap\n${USAGE}`);
  }
}

function pullRequestArg(rest: readonly string[]): number {
  const [text, ...extra] = rest;
  if (text === undefined || extra.length > 0 || !/^[1-9]\d{0,6}$/.test(text)) {
    throw new UsageError(`expected one pull-request number (1-9999999), found ${rest.length ? rest.join(" ") : "nothing"}\n${USAGE}`);
  }
  return Number(text);
}

/** `[namespace:]key(.key)*=value`, the form of `pulumi config set --path`. */
const CONFIG_OVERRIDE = /^((?:[A-Za-z][\w-]*:)?[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)=(.*)$/s;

function configArg(text: string): ConfigOverride {
  const match = CONFIG_OVERRIDE.exec(text);
  if (!match) {
    throw new UsageError(`--config: found ${JSON.stringify(text)}, expected <key.path>=<value>, for example --config kubernetes.awaitReadiness=false\n${USAGE}`);
  }
  return { key: match[1]!, value: match[2]! };
}

function ttlArg(text: string | undefined): number {
  if (text === undefined) return EPHEMERAL_TTL_HOURS;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--ttl-hours: found ${JSON.stringify(text)}, expected a whole number of hours, at least 1`);
  return Number(text);
}

function nowArg(text: string | undefined, clock: () => Date): Date {
  if (text === undefined) return clock();
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`--now: found ${JSON.stringify(text)}, expected an ISO 8601 time such as 2026-11-23T12:00:00Z`);
  return new Date(time);
}
