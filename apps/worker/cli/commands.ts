/**
 * The worker CLI: trigger jobs, read runs and their logs, redrive or cancel runs, and manage
 * schedules, through the worker API. Every error is one line on stderr; exit codes: 0 done,
 * 1 the API refused or could not be reached, 2 a bad command line, 3 an awaited run ended dead or
 * cancelled.
 */
import { parseArgs } from "node:util";
import { CliError, WorkerApiClient } from "./api-client";

export const USAGE = `usage: worker <command> [arguments] [--url URL] [--actor ID] [--tenant ID] [--json]

  jobs                                     the jobs the agent runs
  trigger <jobId> [--params JSON] [--wait] run a job now (--wait: until it ends; exit 3 if dead)
  status <runId>                           a run's state, attempts and progress
  runs [--job ID] [--state S] [--limit N]  run history, newest first
  logs <runId>                             what the run logged
  retry <runId>                            redrive a dead run
  cancel <runId>                           cancel a run that has not started
  schedules                                every schedule
  schedule set <id> --job ID --cron EXPR [--timezone TZ] [--params JSON] [--disabled]
  schedule delete <id>

  --url     the worker API (default: $WORKER_URL, else http://127.0.0.1:8080)
  --actor   who you are, recorded with every change (default: $USER)

  ARMATURE_TOKEN  where the agents verify callers (CALLER_TOKEN_ISSUERS), a token for them, e.g.
                  $(kubectl -n workers create token <account> --audience armature-platform);
                  the change is then recorded as that account's, for --actor`;

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Waits between polls of --wait (tests shorten it). */
  readonly pollMs?: number;
}

interface Run {
  id: string;
  jobId: string;
  state: string;
  attempt: number;
  maxAttempts: number;
  progress: unknown;
  result: unknown;
  lastError: string | null;
  attempts?: Array<{ number: number; agent: string; outcome: string | null; error: string | null; startedAt: string }>;
}

const TERMINAL = new Set(["succeeded", "dead", "cancelled"]);
const COMMANDS = new Set(["jobs", "trigger", "status", "runs", "logs", "retry", "cancel", "schedules", "schedule"]);

function usage(problem: string): never {
  throw new CliError(`${problem} (worker --help shows the commands)`, 2);
}

function jsonObject(flag: string, text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    usage(`${flag} is not JSON: ${text.slice(0, 60)}; e.g. ${flag} '{"period":"2025-01"}'`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) usage(`${flag} must be a JSON object, e.g. ${flag} '{"period":"2025-01"}'`);
  return value as Record<string, unknown>;
}

function describeRun(run: Run): string[] {
  const lines = [`run ${run.id}: ${run.jobId} ${run.state} (attempt ${run.attempt} of ${run.maxAttempts})`];
  if (run.progress !== null && run.progress !== undefined) lines.push(`  progress: ${JSON.stringify(run.progress)}`);
  if (run.state === "succeeded") lines.push(`  result: ${JSON.stringify(run.result)}`);
  if (run.lastError) lines.push(`  last error: ${run.lastError}`);
  for (const attempt of run.attempts ?? []) lines.push(`  attempt ${attempt.number} on ${attempt.agent} at ${attempt.startedAt}: ${attempt.outcome ?? "running"}${attempt.error ? ` (${attempt.error})` : ""}`);
  return lines;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`worker: ${error.message}`);
      return error.exitCode;
    }
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`worker: ${(error as Error).message.split("\n")[0]} (worker --help shows the commands)`);
      return 2;
    }
    io.err(`worker: unexpected failure: ${(error as Error).message}`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: "string" },
      actor: { type: "string" },
      tenant: { type: "string" },
      json: { type: "boolean", default: false },
      params: { type: "string" },
      wait: { type: "boolean", default: false },
      job: { type: "string" },
      state: { type: "string" },
      limit: { type: "string" },
      cron: { type: "string" },
      timezone: { type: "string" },
      disabled: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    io.out(USAGE);
    return 0;
  }
  if (!command) usage("no command given");
  if (!COMMANDS.has(command)) usage(`unknown command ${JSON.stringify(command)}`);
  const actor = values.actor ?? io.env["USER"];
  if (!actor) usage("say who you are with --actor (or set USER): changes are audited");
  const api = new WorkerApiClient({ url: values.url ?? io.env["WORKER_URL"] ?? "http://127.0.0.1:8080", actor, tenant: values.tenant, token: io.env["ARMATURE_TOKEN"] });
  const print = (value: unknown, text: () => string[]) => (values.json ? io.out(JSON.stringify(value, null, 2)) : text().forEach((line) => io.out(line)));
  const one = (what: string) => {
    if (rest.length !== 1) usage(`${command} takes exactly one ${what}`);
    return encodeURIComponent(rest[0]!);
  };

  switch (command) {
    case "jobs": {
      const { jobs } = await api.request<{ jobs: Array<{ id: string; description: string; timeoutMs: number }> }>("GET", "/v1/jobs");
      print({ jobs }, () => jobs.map((job) => `${job.id}  ${job.description} (timeout ${job.timeoutMs} ms)`));
      return 0;
    }
    case "trigger": {
      const jobId = one("job id");
      const answer = await api.request<{ runId: string; outcome: string; run: Run }>("POST", `/v1/jobs/${jobId}/runs`, { params: jsonObject("--params", values.params) });
      print(answer, () => [answer.outcome === "deduplicated" ? `run ${answer.runId} deduplicated: joined the queued run of ${answer.run.jobId} with the same parameters` : `run ${answer.runId} enqueued (${answer.run.jobId})`]);
      if (!values.wait) return 0;
      for (;;) {
        const run = await api.request<Run>("GET", `/v1/runs/${answer.runId}`);
        if (TERMINAL.has(run.state)) {
          print(run, () => describeRun(run));
          return run.state === "succeeded" ? 0 : 3;
        }
        await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 500));
      }
    }
    case "status": {
      const run = await api.request<Run>("GET", `/v1/runs/${one("run id")}`);
      print(run, () => describeRun(run));
      return 0;
    }
    case "runs": {
      const query = new URLSearchParams();
      if (values.job) query.set("jobId", values.job);
      if (values.state) query.set("state", values.state);
      if (values.limit) query.set("limit", values.limit);
      const { runs } = await api.request<{ runs: Run[] }>("GET", `/v1/runs${query.size ? `?${query.toString()}` : ""}`);
      print({ runs }, () => runs.map((run) => `${run.id}  ${run.jobId}  ${run.state}  attempt ${run.attempt}/${run.maxAttempts}`));
      return 0;
    }
    case "logs": {
      const { lines } = await api.request<{ lines: Array<{ at: string; level: string; attempt: number; msg: string; data: unknown }> }>("GET", `/v1/runs/${one("run id")}/logs`);
      print({ lines }, () => lines.map((line) => `${line.at} ${line.level} [attempt ${line.attempt}] ${line.msg}${line.data ? ` ${JSON.stringify(line.data)}` : ""}`));
      return 0;
    }
    case "retry":
    case "cancel": {
      const runId = one("run id");
      const answer = await api.request<Run | { run: Run }>("POST", `/v1/runs/${runId}/${command}`, {});
      const run = "run" in answer ? answer.run : answer;
      print(answer, () => [command === "retry" ? `run ${run.id} redriven: ${run.state}` : `run ${run.id} cancelled`]);
      return 0;
    }
    case "schedules": {
      const { schedules } = await api.request<{ schedules: Array<{ id: string; jobId: string; cron: string; timezone: string; enabled: boolean; nextTickAt: string }> }>("GET", "/v1/schedules");
      print({ schedules }, () => schedules.map((s) => `${s.id}  ${s.jobId}  "${s.cron}" ${s.timezone}  ${s.enabled ? `next ${s.nextTickAt}` : "disabled"}`));
      return 0;
    }
    case "schedule":
      return schedule(rest, values, api, print);
    default:
      usage(`unknown command ${JSON.stringify(command)}`); // unreachable: checked above
  }
}

async function schedule(
  rest: string[],
  values: { job?: string; cron?: string; timezone?: string; params?: string; disabled: boolean },
  api: WorkerApiClient,
  print: (value: unknown, text: () => string[]) => void,
): Promise<number> {
  const [action, id, ...extra] = rest;
  if (!id || extra.length > 0) usage("schedule set|delete takes exactly one schedule id");
  if (action === "delete") {
    await api.request("DELETE", `/v1/schedules/${encodeURIComponent(id)}`);
    print({ deleted: id }, () => [`schedule ${id} deleted`]);
    return 0;
  }
  if (action !== "set") usage(`unknown schedule action ${JSON.stringify(action)}; use set or delete`);
  if (!values.job || !values.cron) usage("schedule set needs --job and --cron");
  const body = { jobId: values.job, cron: values.cron, timezone: values.timezone ?? "UTC", params: jsonObject("--params", values.params), enabled: !values.disabled };
  const saved = await api.request<{ id: string; nextTickAt: string; enabled: boolean }>("PUT", `/v1/schedules/${encodeURIComponent(id)}`, body);
  print(saved, () => [`schedule ${saved.id} saved; ${saved.enabled ? `next tick ${saved.nextTickAt}` : "disabled"}`]);
  return 0;
}
