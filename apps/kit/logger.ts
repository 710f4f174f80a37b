/**
 * Logs as one JSON line each, in the shape of schemas/log-line.schema.json: level, ISO time,
 * service, msg, the invocation context (bound per request), and the caller's payload under
 * `data`. LOG_FORMAT=plain prints readable text instead (pino-pretty) for local development.
 */
import { hostname } from "node:os";
import { pino, type DestinationStream, type Level, type Logger } from "pino";
import type PinoPretty from "pino-pretty";
import { currentScope } from "./invocation-scope";

export type LogFormat = "json" | "plain";

export interface LoggerOptions {
  readonly service: string;
  readonly version: string;
  readonly level: Level;
  readonly format: LogFormat;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
}

/** Top-level keys a log call may set itself; everything else it passes goes under `data`. */
const TOP_LEVEL_KEYS = new Set(["err", "http"]);

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? (options.format === "plain" ? plainText() : pino.destination({ sync: false }));
  return pino(
    {
      level: options.level,
      messageKey: "msg",
      base: { service: options.service, version: options.version, host: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => {
          const shaped: Record<string, unknown> = {};
          let data: Record<string, unknown> | undefined;
          for (const [key, value] of Object.entries(object)) {
            if (TOP_LEVEL_KEYS.has(key)) shaped[key] = value;
            else (data ??= {})[key] = value;
          }
          if (data) shaped["data"] = data;
          return shaped;
        },
      },
    },
    destination,
  );
}

/** Readable text for local development; loaded only then, so JSON-logging services start without it. */
function plainText(): DestinationStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require, so the bundler still includes it
  const pretty = require("pino-pretty") as typeof PinoPretty;
  return pretty({ sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "host,service,version" });
}

let processLogger: Logger | undefined;

/** Makes `logger` what log() returns outside any request (createService does this). */
export function setProcessLogger(logger: Logger): void {
  processLogger = logger;
}

/** The logger of the current invocation (its context bound), else the service's own logger. */
export function log(): Logger {
  return (currentScope()?.logger ?? processLogger ?? (processLogger = createLogger({ service: "armature", version: "0.0.0", level: "info", format: "json" })));
}

/** A toggle `logLevel` in the invocation context lowers the level for that one invocation. */
export function invocationLevel(toggles: Readonly<Record<string, unknown>> | undefined, base: Logger): Level | undefined {
  const wanted = toggles?.["logLevel"];
  if (typeof wanted !== "string" || !(wanted in base.levels.values)) return undefined;
  return base.levels.values[wanted]! < base.levelVal ? (wanted as Level) : undefined;
}
