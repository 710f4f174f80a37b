/**
 * Runs schemathesis against one running app, from its published document: every check (`--checks
 * all`), every phase including stateful testing over the links it infers, with the headers real
 * callers send. Its output is passed on line by line as progress; the result is read from its
 * NDJSON report.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { AppName } from "./platform-apps";
import { type RunReport, readRunReport } from "./schemathesis-report";

export interface SchemathesisRun {
  /** The `st` command (ensureSchemathesis). */
  readonly st: string;
  readonly app: AppName;
  /** The OpenAPI document to test against (docs/api/<app>.json). */
  readonly document: string;
  /** Where the app listens: http://127.0.0.1:<port> */
  readonly baseUrl: string;
  /** Sent with every request: the caller token and the invocation context. */
  readonly headers: Readonly<Record<string, string>>;
  /** Test cases per operation and phase (hypothesis' max_examples): the run's size. */
  readonly maxExamples: number;
  /** Fixed, so a run is reproducible (`st run ... --seed`). */
  readonly seed: number;
  readonly reportDir: string;
  readonly log: (line: string) => void;
}

export interface SchemathesisResult extends RunReport {
  readonly exitCode: number;
  readonly seconds: number;
  /** The command, to reproduce the run by hand (header values elided). */
  readonly command: string;
}

export async function runSchemathesis(run: SchemathesisRun): Promise<SchemathesisResult> {
  mkdirSync(run.reportDir, { recursive: true });
  const report = path.join(run.reportDir, `${run.app}.ndjson`);
  const args = [
    "run",
    run.document,
    "--url",
    run.baseUrl,
    "--checks",
    "all",
    "--phases",
    "examples,coverage,fuzzing,stateful",
    "--max-examples",
    String(run.maxExamples),
    "--seed",
    String(run.seed),
    // No example database in the working directory: a run depends on its seed only.
    "--generation-database",
    "none",
    // The flags constraint schema (oneOf and if/then over operator, value and values) is exact, so
    // hypothesis discards many drafts before one fits; that is expected, not a reason to stop.
    "--suppress-health-check",
    "filter_too_much",
    // The kit refuses U+0000 in bodies (Postgres cannot store it; apps/kit/nul-characters.ts): well-formed data carries none.
    "--generation-allow-x00",
    "false",
    "--report",
    "ndjson",
    "--report-ndjson-path",
    report,
    "--no-color",
    ...Object.entries(run.headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
  ];
  const started = performance.now();
  const child = spawn(run.st, args, { stdio: ["ignore", "pipe", "pipe"], cwd: run.reportDir });
  const tail: string[] = [];
  const forward = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    if (line.trim() !== "") run.log(`${run.app}: ${line.length > 200 ? `${line.slice(0, 200)}...` : line}`);
  };
  createInterface({ input: child.stdout }).on("line", forward);
  createInterface({ input: child.stderr }).on("line", forward);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const seconds = (performance.now() - started) / 1000;
  const command = [run.st, ...args.map((arg) => (/^[A-Za-z-]+: /.test(arg) ? `'${arg.split(":")[0]}: ...'` : arg))].join(" ");
  let result: RunReport;
  try {
    result = readRunReport(report);
  } catch (error) {
    throw new Error(`${run.app}: schemathesis exited ${exitCode} without a readable report (${(error as Error).message}):\n${tail.join("\n")}`, { cause: error });
  }
  // Exit 1 with findings is a conformance answer; any other failure (a schema it cannot load, a crash) is the run's own.
  if (exitCode !== 0 && result.findings.length === 0 && result.errors.length === 0) throw new Error(`${run.app}: schemathesis exited ${exitCode} with no finding:\n${tail.join("\n")}`);
  return { ...result, exitCode, seconds, command };
}
