/**
 * `npm run dev` end to end, as a developer runs it: the dev command (the same entry, through tsx)
 * as a child process, every app ready and registered by itself, health finding them through
 * discovery alone, a "service under development" taking one routing key's traffic through an
 * override, and SIGINT leaving no process and no port behind. Prints start-to-ready times: cold
 * (first start here, its own data services), warm (a second start), and with data services from
 * the environment.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiscoveryClient } from "../../apps/discovery/sdk/index";
import { REPOSITORY_ROOT } from "../repository-root";
import { startKafka } from "../test-services/kafka";
import { startPostgres } from "../test-services/postgres";
import { startRedis } from "../test-services/redis";

const APPS = ["discovery", "flags", "health", "worker"];
const homes: string[] = [];
const runs: DevRun[] = [];
afterAll(async () => {
  // A failed test may leave its run up: stop it the way a developer would, then remove the homes.
  for (const run of runs.filter((candidate) => candidate.child.exitCode === null && candidate.child.signalCode === null)) {
    run.child.kill("SIGINT");
    await run.exited;
  }
  homes.forEach((home) => rmSync(home, { recursive: true, force: true }));
});

interface DevRun {
  readonly child: ChildProcess;
  readonly home: string;
  readonly output: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

function startDev(args: string[], env: Record<string, string> = {}): DevRun {
  const home = mkdtempSync(path.join(tmpdir(), "armature-dev-test-"));
  homes.push(home);
  // Data services from the launcher unless the caller names them.
  const clean = { ...process.env, DATABASE_URL: "", REDIS_URL: "", KAFKA_BROKERS: "" };
  // One process, as `npm run dev` runs it (node --import tsx): a signal reaches the command itself.
  const child = spawn(process.execPath, ["--import", "tsx", "tools/dev/cli.ts", ...args], { cwd: REPOSITORY_ROOT, env: { ...clean, ARMATURE_DEV_HOME: home, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // "close", not "exit": by then everything it printed has been read.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const run = { child, home, output: () => output, exited };
  runs.push(run);
  return run;
}

async function waitForOutput(run: DevRun, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(run.output());
    if (match) return match;
    if (run.child.exitCode !== null) throw new Error(`dev exited with ${run.child.exitCode} before printing ${pattern}:\n${run.output()}${appLogTails(run.output())}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms:\n${run.output()}${appLogTails(run.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The last lines of each app log dev named as not ready: the test's temporary folder is gone by the time anyone looks. */
function appLogTails(output: string): string {
  return [...output.matchAll(/\(log: ([^)]+)\)/g)]
    .map(([, file]) => {
      try {
        return `\n--- last lines of ${file}:\n${readFileSync(file!, "utf8").split("\n").slice(-40).join("\n")}`;
      } catch {
        return `\n--- ${file} could not be read`;
      }
    })
    .join("");
}

/** Every process below `root` (Linux /proc): the apps, tsx's own children, the data servers. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const visit = (pid: number) => (children.get(pid) ?? []).forEach((child) => (found.push(child), visit(child)));
  visit(root);
  return found;
}

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** The ports the dev command printed (apps and data services). */
function printedPorts(output: string): number[] {
  const after = output.slice(output.indexOf("all ready in"));
  return [...new Set([...after.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1])))];
}

interface DevState {
  readonly discoveryUrl: string;
  readonly redisUrl: string;
  readonly apps: Record<string, string>;
}
const stateOf = (run: DevRun) => JSON.parse(readFileSync(path.join(run.home, "state.json"), "utf8")) as DevState;

/** Starts dev, waits for "all ready", returns the run, its state and the measured seconds. */
async function startUntilReady(args: string[], env?: Record<string, string>) {
  const started = performance.now();
  const run = startDev(args, env);
  const reported = await waitForOutput(run, /all ready in ([\d.]+) s/, 240_000);
  const seconds = (performance.now() - started) / 1000;
  return { run, state: stateOf(run), seconds, reportedSeconds: Number(reported[1]) };
}

/** SIGINT, then: exit 0, every process it had is gone, and no port it printed answers. */
async function interruptAndCheckNothingLeft(run: DevRun, extraPids: readonly number[] = []) {
  const pids = [...descendants(run.child.pid!), ...extraPids];
  const ports = printedPorts(run.output());
  expect(pids.length).toBeGreaterThanOrEqual(APPS.length);
  expect(ports.length).toBeGreaterThanOrEqual(APPS.length);
  run.child.kill("SIGINT");
  expect(await run.exited).toBe(0);
  expect(run.output()).toContain("stopped: nothing left running");
  expect(pids.filter(running)).toEqual([]);
  const open = [];
  for (const port of ports) if (await portAnswers(port)) open.push(port);
  expect(open).toEqual([]);
  return { pids, ports };
}

const timings: string[] = [];

describe("npm run dev", () => {
  it("starts every app registered in discovery, routes one routing key to a local process, and leaves nothing on SIGINT", async () => {
    const { run, state, seconds, reportedSeconds } = await startUntilReady(["--port-base", "0"]);
    timings.push(`cold (first start, own Postgres/Redis/Kafka): ${seconds.toFixed(1)} s to all ready (dev reports ${reportedSeconds} s)`);

    // Every app registered itself, with the address it answers at, and health found each through discovery.
    const listed = (await (await fetch(`${state.discoveryUrl}/v1/services`)).json()) as { services: Array<{ name: string; endpoints: string[]; version: string }> };
    expect(listed.services.map((service) => service.name).sort()).toEqual(APPS);
    for (const service of listed.services) expect(service.endpoints).toEqual([state.apps[service.name]]);
    // Health learns registrations from discovery's events, a moment after they happen: wait for its round.
    type HealthDocument = { checks: Record<string, Array<{ componentId?: string; status: string }>> };
    let healthDocument: HealthDocument = { checks: {} };
    const deadline = Date.now() + 30_000;
    while (APPS.some((app) => !healthDocument.checks[`${app}:readiness`]) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      healthDocument = (await (await fetch(`${state.apps["health"]}/v1/health?fresh=true`)).json()) as HealthDocument;
    }
    for (const app of APPS) {
      expect(healthDocument.checks[`${app}:readiness`]?.map((check) => check.componentId), app).toEqual([state.apps[app]]);
      expect(healthDocument.checks[`${app}:readiness`]?.[0]?.status, app).not.toBe("fail");
    }

    // The service under development: a local process taking flags' traffic for one routing key.
    const local: Server = createServer((request, response) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ servedBy: "local", path: request.url })));
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    const localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    const override = startDev(["override", "flags", "--target", localUrl, "--routing-key", "dev-e2e", "--ttl", "10m"], { ARMATURE_DEV_HOME: run.home });
    await waitForOutput(override, /override [0-9a-f-]{36}: flags → /, 30_000);
    // It holds the override until told otherwise.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(override.child.exitCode).toBeNull();

    const discovery = new DiscoveryClient({ url: state.discoveryUrl, redisUrl: state.redisUrl, environment: "dev-e2e-env" });
    try {
      const routed = await discovery.resolve("flags", { routingKey: "dev-e2e" });
      expect(routed.via).toBe("override");
      expect(await (await fetch(`${routed.url}/v1/anything`)).json()).toEqual({ servedBy: "local", path: "/v1/anything" });
      const others = await discovery.resolve("flags", { routingKey: "someone-else" });
      expect(others.via).toBe("registry");
      const livez = (await (await fetch(`${others.url}/livez`)).json()) as { serviceId: string };
      expect(livez.serviceId).toBe("flags");

      // Ctrl-C on the override removes it: everyone reaches the registered flags again.
      override.child.kill("SIGINT");
      expect(await override.exited).toBe(0);
      expect(override.output()).toMatch(/override [0-9a-f-]{36} removed \(SIGINT\)/);
      const after = (await (await fetch(`${state.discoveryUrl}/v1/services/flags`)).json()) as { overrides: unknown[] };
      expect(after.overrides).toEqual([]);
    } finally {
      await discovery.close();
      await new Promise((resolve) => local.close(resolve));
    }

    // A refusal is said plainly, exit 1: here a service discovery does not know.
    const unknown = startDev(["override", "nosuch", "--target", localUrl, "--routing-key", "dev-e2e"], { ARMATURE_DEV_HOME: run.home });
    expect(await unknown.exited).toBe(1);
    expect(unknown.output()).toContain("dev: service nosuch is not registered in discovery");

    await interruptAndCheckNothingLeft(run);
  });

  it("starts again warm, and stops again leaving nothing", async () => {
    const { run, seconds, reportedSeconds } = await startUntilReady(["--port-base", "0"]);
    timings.push(`warm (second start, own Postgres/Redis/Kafka): ${seconds.toFixed(1)} s to all ready (dev reports ${reportedSeconds} s)`);
    await interruptAndCheckNothingLeft(run);
  });

  it("uses data services named in the environment, leaves them running, and stops its own processes", async () => {
    const [postgres, redis, kafka] = await Promise.all([startPostgres(), startRedis(), startKafka()]);
    try {
      const env = { DATABASE_URL: postgres.url, REDIS_URL: redis.url, KAFKA_BROKERS: kafka.url };
      // First run applies the migrations; the second finds them applied, as a developer's restart does.
      const first = await startUntilReady(["--port-base", "0", "--no-watch"], env);
      expect(first.run.output()).toContain("postgres from the environment, redis from the environment, kafka from the environment");
      first.run.child.kill("SIGINT");
      expect(await first.run.exited).toBe(0);
      const { run, seconds, reportedSeconds } = await startUntilReady(["--port-base", "0"], env);
      timings.push(`warm, data services from the environment (migrations already applied): ${seconds.toFixed(1)} s to all ready (dev reports ${reportedSeconds} s)`);
      const pids = descendants(run.child.pid!);
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
      expect(pids.filter(running)).toEqual([]);
      // Not started by dev, so not stopped by it.
      expect(await portAnswers(Number(new URL(redis.url).port))).toBe(true);
    } finally {
      await Promise.allSettled([postgres.stop(), redis.stop(), kafka.stop()]);
    }
    process.stdout.write(`\nnpm run dev, start to every app ready and registered:\n  ${timings.join("\n  ")}\n`);
  });
});
