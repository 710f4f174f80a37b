/**
 * Logs as one JSON line each, in the shape of schemas/log-line.schema.json: level, ISO time,
 * service, msg, the invocation context (bound per request), and the caller's payload under
 * `data`. LOG_FORMAT=plain prints readable text instead (pino-pretty) for local development.
 */
import { hostname } from "node:os";
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Level, type Logger } from "pino";
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

/**
 * A child of `parent` with `bindings`, made on first use. A pino child serialises its bindings
 * when it is made, and most requests log nothing: the request hot path should not pay for it.
 */
export class DeferredChild {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Record<string, unknown>,
    /** The level a toggle asked for (invocationLevel), when it is below the parent's. */
    private readonly level: Level | undefined,
  ) {}

  get logger(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.level ? { level: this.level } : undefined));
  }

  /** Whether a line at `level` would be written, without making the child. */
  isLevelEnabled(level: Level): boolean {
    if (this.made) return this.made.isLevelEnabled(level);
    const values = this.parent.levels.values;
    return values[level]! >= (this.level ? values[this.level]! : this.parent.levelVal);
  }
}

/**
 * A Fastify request logger (request.log) that writes through a DeferredChild: the child is made only
 * when a line is logged at an enabled level.
 */
export class DeferredRequestLogger {
  constructor(private readonly deferred: DeferredChild) {}

  get level(): string {
    return this.deferred.logger.level;
  }

  set level(level: string) {
    this.deferred.logger.level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions) {
    return this.deferred.logger.child(bindings, options);
  }

  fatal(...line: LogLine): void {
    this.write("fatal", line);
  }

  error(...line: LogLine): void {
    this.write("error", line);
  }

  warn(...line: LogLine): void {
    this.write("warn", line);
  }

  info(...line: LogLine): void {
    this.write("info", line);
  }

  debug(...line: LogLine): void {
    this.write("debug", line);
  }

  trace(...line: LogLine): void {
    this.write("trace", line);
  }

  silent(): void {}

  private write(level: Level, line: LogLine): void {
    if (this.deferred.isLevelEnabled(level)) this.deferred.logger[level](...line);
  }
}

type LogLine = [obj: unknown, msg?: string, ...args: unknown[]];
