/**
 * The worker CLI against a real agent over HTTP: triggers, waits, reads runs and schedules; every
 * bad input is one line on stderr with a non-zero exit, and nothing is enqueued.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { freePort } from "../../tools/test-services/free-port";
import { runCli } from "./cli/commands";
import { type TestAgent, prepareWorkerDatabase, queueSnapshot, startTestAgent } from "./testing/harness";

const CLI = path.join(__dirname, "cli.ts");

describe("worker CLI", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let agent: TestAgent;
  let url: string;

  async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([...args, "--url", url], { env: { USER: "carol" }, out: (line) => out.push(line), err: (line) => err.push(line), pollMs: 20 });
    return { code, out, err };
  }

  /** The real entry point in a child process: exit code and streams as a shell sees them. */
  function cliProcess(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, WORKER_URL: url, USER: "carol" } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("exit", (code) => resolve({ code, stdout, stderr: stderr.split("\n").filter((line) => line && !/ExperimentalWarning|--trace-warnings/.test(line)).join("\n") }));
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase("worker_cli");
    pool = await prepareWorkerDatabase(database.url);
    agent = await startTestAgent(database.url, "cli-agent");
    url = await agent.service.listen();
  });
  afterAll(async () => {
    await agent?.service.shutdown();
    await pool?.end();
    await database?.drop();
  });

  it("triggers a job and waits for it, recording who triggered it", async () => {
    const result = await cli("trigger", "test.counter", "--params", '{"steps":3,"stepMs":10}', "--wait");
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(/^run [0-9a-f-]{36} enqueued \(test.counter\)$/);
    expect(result.out[1]).toMatch(/test.counter succeeded \(attempt 1 of 3\)$/);
    expect(result.out).toContain('  result: {"counted":3}');
    const runId = result.out[0]!.split(" ")[1]!;
    const { rows } = await pool.query<{ actor: string }>("select context->'actor'->>'id' as actor from armature_worker.triggers where run_id = $1", [runId]);
    expect(rows).toEqual([{ actor: "carol" }]);

    const status = await cli("status", runId);
    expect(status.out[0]).toBe(`run ${runId}: test.counter succeeded (attempt 1 of 3)`);
    expect((await cli("logs", runId)).out).toEqual([expect.stringMatching(/ info \[attempt 1\] counted \{"steps":3,"resumedFrom":0\}$/)]);
    expect((await cli("runs", "--job", "test.counter")).out).toEqual([`${runId}  test.counter  succeeded  attempt 1/3`]);
    expect(JSON.parse((await cli("jobs", "--json")).out.join("\n")).jobs).toHaveLength(5);
  });

  it("exits 3 when an awaited run ends dead", async () => {
    const result = await cli("trigger", "test.refuses", "--wait");
    expect(result.code).toBe(3);
    expect(result.out).toContain("  last error: NonRetryableError: the invoice does not exist");
  });

  it("sets, lists and deletes schedules", async () => {
    const saved = await cli("schedule", "set", "nightly", "--job", "test.exclusive", "--cron", "0 2 * * *", "--timezone", "Europe/Paris", "--params", '{"key":"n"}');
    expect(saved.code).toBe(0);
    expect(saved.out[0]).toMatch(/^schedule nightly saved; next tick \d{4}-\d{2}-\d{2}T(00|01):00:00.000Z$/);
    expect((await cli("schedules")).out).toEqual([expect.stringMatching(/^nightly {2}test.exclusive {2}"0 2 \* \* \*" Europe\/Paris {2}next /)]);
    expect((await cli("schedule", "delete", "nightly")).out).toEqual(["schedule nightly deleted"]);
  });

  const badInputs: Array<{ name: string; args: string[]; code: number; line: RegExp }> = [
    { name: "unknown job id", args: ["trigger", "billing.nope"], code: 1, line: /^worker: 404 unknown_job: no job "billing.nope" is registered in this agent; GET \/v1\/jobs lists the jobs it runs$/ },
    { name: "parameters failing the schema", args: ["trigger", "test.counter", "--params", '{"steps":0}'], code: 1, line: /^worker: 400 invalid_params: .*params.steps: Too small.*params.stepMs/ },
    { name: "parameters that are not JSON", args: ["trigger", "test.counter", "--params", "{steps:1"], code: 2, line: /^worker: --params is not JSON: \{steps:1; e.g. --params/ },
    { name: "parameters that are not an object", args: ["trigger", "test.counter", "--params", "[1]"], code: 2, line: /^worker: --params must be a JSON object/ },
    { name: "bad cron expression", args: ["schedule", "set", "s1", "--job", "test.exclusive", "--cron", "0 25 * * *", "--params", '{"key":"a"}'], code: 1, line: /^worker: 400 invalid_cron: "0 25 \* \* \*" is not a valid cron expression \(Invalid value for hour: 25\)/ },
    { name: "bad time zone", args: ["schedule", "set", "s1", "--job", "test.exclusive", "--cron", "0 2 * * *", "--timezone", "Paris", "--params", '{"key":"a"}'], code: 1, line: /^worker: 400 invalid_timezone: "Paris" is not an IANA time zone/ },
    { name: "schedule without --cron", args: ["schedule", "set", "s1", "--job", "test.exclusive"], code: 2, line: /^worker: schedule set needs --job and --cron/ },
    { name: "unknown command", args: ["launch", "x"], code: 2, line: /^worker: unknown command "launch" \(worker --help shows the commands\)$/ },
    { name: "unknown flag", args: ["trigger", "test.counter", "--parms", "{}"], code: 2, line: /^worker: Unknown option '--parms'/ },
    { name: "missing run id", args: ["status"], code: 2, line: /^worker: status takes exactly one run id/ },
  ];

  for (const bad of badInputs) {
    it(`bad input: ${bad.name} -> exit ${bad.code}, one line, nothing enqueued`, async () => {
      const before = await queueSnapshot(pool);
      const result = await cli(...bad.args);
      expect(result.code).toBe(bad.code);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toMatch(bad.line);
      expect(result.out).toEqual([]);
      expect(await queueSnapshot(pool)).toEqual(before);
    });
  }

  it("as a real process: one line on stderr and a non-zero exit on bad input; an unreachable API is exit 1", async () => {
    const before = await queueSnapshot(pool);
    const closedPort = await freePort();
    const [refused, unreachable, ok] = await Promise.all([
      cliProcess("trigger", "test.nope"),
      cliProcess("jobs", "--url", `http://127.0.0.1:${closedPort}`),
      cliProcess("trigger", "test.exclusive", "--params", '{"key":"from-a-shell","ms":1}'),
    ]);
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr).toMatch(/^worker: 404 unknown_job: no job "test.nope"[^\n]*$/);
    expect(unreachable).toMatchObject({ code: 1, stderr: `worker: cannot reach the worker API at http://127.0.0.1:${closedPort} (ECONNREFUSED); check --url or WORKER_URL` });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^run [0-9a-f-]{36} enqueued \(test.exclusive\)\n$/);
    expect((await queueSnapshot(pool)).runs).toBe(before.runs + 1);
  });
});
