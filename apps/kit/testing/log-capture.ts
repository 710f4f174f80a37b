/** Test helper: a pino destination that keeps every line, and the log-line schema validator. */
import { Writable } from "node:stream";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import contextSchema from "../schemas/invocation-context.schema.json";
import logLineSchema from "../schemas/log-line.schema.json";

export interface LogCapture {
  readonly destination: Writable;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
  raw(): string;
}

/** A destination that drops every line: for services whose logs a test does not read. */
export function discardLogs(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

export function captureLogs(): LogCapture {
  let buffer = "";
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      buffer += chunk.toString("utf8");
      callback();
    },
  });
  return {
    destination,
    raw: () => buffer,
    lines: () =>
      buffer
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema(contextSchema);
const validateLine = ajv.compile(logLineSchema);

/** Problems of one log line against schemas/log-line.schema.json (empty when it is valid). */
export function logLineProblems(line: unknown): string[] {
  if (validateLine(line)) return [];
  return (validateLine.errors ?? []).map((error) => `${error.instancePath || "(root)"} ${error.message ?? ""}`);
}
