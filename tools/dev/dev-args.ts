/**
 * The dev command line: `dev [--port-base N] [--no-watch]` starts the environment;
 * `dev override <service> --target URL (--routing-key K | --environment E) [--ttl T]` routes one
 * service to a local process. A bad command line is a UsageError: what was wrong and how to fix it.
 */
import { parseArgs } from "node:util";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface UpCommand {
  readonly command: "up";
  /** Discovery listens on this port, flags on +1, health +2, the worker +3; 0: any free ports. */
  readonly portBase: number;
  /** Restart an app when its source changes (tsx watch). */
  readonly watch: boolean;
}

export interface OverrideCommand {
  readonly command: "override";
  readonly service: string;
  readonly target: string;
  readonly scope: { readonly routingKey: string } | { readonly environment: string };
  readonly ttlSeconds: number;
}

export type DevCommand = UpCommand | OverrideCommand;

export const USAGE = `usage:
  npm run dev [-- [--port-base 4100] [--no-watch]]
  npm run dev -- override <service> --target http://localhost:PORT (--routing-key KEY | --environment ENV) [--ttl 1h]`;

export const DEFAULT_PORT_BASE = 4100;
const DEFAULT_TTL_SECONDS = 3600;
const MAX_TTL_SECONDS = 86_400;
/** Discovery's own rule for routing keys and environments (apps/discovery/service-document.ts). */
const LABEL = /^[A-Za-z0-9._:@/-]{1,128}$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export function parseDevArgs(argv: readonly string[]): DevCommand {
  return argv[0] === "override" ? parseOverride(argv.slice(1)) : parseUp(argv);
}

/** Runs node:util's parser; its messages name the flag ("Unknown option '--x'"), the usage is added. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

function parseUp(argv: readonly string[]): UpCommand {
  const { values } = parsed(() => parseArgs({ args: [...argv], options: { "port-base": { type: "string" }, "no-watch": { type: "boolean" } }, strict: true }));
  const raw = values["port-base"];
  const portBase = raw === undefined ? DEFAULT_PORT_BASE : Number(raw);
  if (typeof raw === "string" && (!/^\d+$/.test(raw) || portBase > 65_532 || (portBase !== 0 && portBase < 1024))) {
    throw new UsageError(`--port-base: found ${JSON.stringify(raw)}; expected 0 (any free ports) or a port from 1024 to 65532 (the four apps take it and the next three)`);
  }
  return { command: "up", portBase, watch: values["no-watch"] !== true };
}

function parseOverride(argv: readonly string[]): OverrideCommand {
  const { values, positionals } = parsed(() =>
    parseArgs({
      args: [...argv],
      options: { target: { type: "string" }, "routing-key": { type: "string" }, environment: { type: "string" }, ttl: { type: "string" } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length !== 1) throw new UsageError(`override: expected one service name, found ${positionals.length === 0 ? "none" : positionals.join(" ")}\n${USAGE}`);
  const service = positionals[0]!;
  if (!SERVICE_NAME.test(service)) throw new UsageError(`override: found service ${JSON.stringify(service)}; expected a registered service name (lower-case letters, digits and -)`);
  const target = values["target"];
  if (typeof target !== "string") throw new UsageError(`override: --target is missing; give where to send ${service}'s traffic, e.g. --target http://localhost:3000`);
  if (!isHttpUrl(target)) throw new UsageError(`--target: found ${JSON.stringify(target)}; expected an http:// or https:// URL, e.g. http://localhost:3000`);
  const routingKey = values["routing-key"];
  const environment = values["environment"];
  if ((routingKey === undefined) === (environment === undefined)) {
    throw new UsageError("override: give exactly one of --routing-key KEY (requests carrying that routing key) or --environment ENV (every client of that environment)");
  }
  const [flag, label] = typeof routingKey === "string" ? ["--routing-key", routingKey] : ["--environment", environment as string];
  if (!LABEL.test(label)) throw new UsageError(`${flag}: found ${JSON.stringify(label)}; expected 1-128 characters: letters, digits and . _ : @ / -`);
  const scope = typeof routingKey === "string" ? { routingKey } : { environment: label };
  return { command: "override", service, target, scope, ttlSeconds: parseTtl(values["ttl"]) };
}

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** `90` (seconds), `30s`, `15m`, `2h`; at most a day, discovery's limit. */
export function parseTtl(raw: unknown): number {
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  const match = typeof raw === "string" ? /^(\d+)(s|m|h)?$/.exec(raw) : null;
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "s" | "m" | "h"] : NaN;
  if (!(seconds >= 1 && seconds <= MAX_TTL_SECONDS)) {
    throw new UsageError(`--ttl: found ${JSON.stringify(raw)}; expected seconds or a number with s, m or h, from 1s to 24h (e.g. --ttl 2h)`);
  }
  return seconds;
}
