/** Helpers the apps' benchmarks share: formatting, percentiles, a database, the bundled app as a child process. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const ROOT = path.resolve(__dirname, "../../..");

export const formatCount = (n: number) => Math.round(n).toLocaleString("en-US");

export function percentile(values: readonly number[], p: number): number {
  return [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
}

/** A fresh database on the server at `serverUrl`; its URL. */
export async function createBenchDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}

/**
 * Builds apps/<app>/main.ts as its image does: the bundle (tools/bundle-app.mjs), then its V8 code
 * cache, written by this node as the image's second stage writes it with the runtime's node. The
 * path of the entry point the image runs (main.js).
 */
export function bundleApp(app: string): string {
  const entry = path.join(mkdtempSync(path.join(tmpdir(), `${app}-bundle-`)), "main.js");
  execFileSync(process.execPath, [path.join(ROOT, "tools/bundle-app.mjs"), app, entry], { stdio: "inherit" });
  execFileSync(process.execPath, [entry], { stdio: "inherit", env: { PATH: process.env["PATH"], NODE_ENV: "production", ARMATURE_WRITE_CODE_CACHE: "1" } });
  return entry;
}

export function spawnNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return; // already exited (or killed by a signal: "exit" will not come again)
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Resolves once `url` answers 200. */
export async function waitForOk(url: string, everyMs = 2): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Runs a benchmark's main: exit 0 when it finishes, 1 (with the error) when it fails. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
