/**
 * What the CLI prints: progress and errors to stderr (plain lines, or JSON lines with
 * LOG_FORMAT=json for log collectors in the cluster); results (status, plan SQL) to stdout, so
 * they stay pipeable whatever the log format.
 */
import { Writable } from "node:stream";
import { createLogger } from "../../../kit/index";
import { describeHolder } from "../advisory-lock";
import type { StatusReport, StepState } from "../inspect";
import type { MigratorEvent } from "../migrate";
import type { LogFormat } from "./options";

export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface Reporter {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * `plain`: readable lines. `json`: the kit's logger, so each line follows the platform's log-line
 * schema (apps/kit/schemas/log-line.schema.json); fields go under `data`.
 */
export function reporter(format: LogFormat, output: Output): Reporter {
  if (format === "json") {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output.stderr(chunk.toString("utf8"));
        done();
      },
    });
    const logger = createLogger({ service: "migrator", version: process.env["SERVICE_VERSION"] ?? "dev", level: "info", format: "json", destination });
    return { info: (message, fields = {}) => logger.info(fields, message), error: (message, fields = {}) => logger.error(fields, message) };
  }
  return {
    info: (message) => output.stderr(`${message}\n`),
    error: (message) => output.stderr(`error: ${message}\n`),
  };
}

export function describeEvent(event: MigratorEvent): string {
  switch (event.type) {
    case "waiting-for-lock":
      return `waiting for the migration lock, held by ${describeHolder(event.holder)}`;
    case "locked":
      return "took the migration lock";
    case "step-started":
      return `${event.command}: ${event.label} ...`;
    case "step-done":
      return `${event.command}: ${event.label} done in ${event.durationMs} ms`;
    case "nothing-pending":
      return `${event.command}: nothing pending`;
  }
}

function describeState(state: StepState): string {
  if (state === "pending") return "pending";
  if (state === "none") return "-";
  return `applied ${state.appliedAt.toISOString()}`;
}

export function renderStatus(report: StatusReport): string {
  const width = Math.max(8, ...report.versions.map((version) => version.name.length));
  const lines = report.versions.map(
    (version) => `  ${version.name.padEnd(width)}  pre ${describeState(version.pre).padEnd(32)}  post ${describeState(version.post)}`,
  );
  const header = `database ${report.database} (${report.directory}): ${report.versions.length} versions, ${report.pendingPre} pre pending, ${report.pendingPost} post pending`;
  return `${[header, ...lines].join("\n")}\n`;
}
