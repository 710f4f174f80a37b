/**
 * `npm run dev`: the platform around the service under development, as local processes. Data
 * services, migrations, a local caller-token issuer, then discovery, flags, health and a worker
 * agent (reloaded on change), each registering itself in discovery once ready. Prints where each
 * answers; stops everything on SIGINT/SIGTERM.
 */
import { freePort } from "../test-services/free-port";
import { type AppProcess, type AppSpec, startApp, stopApp } from "./app-processes";
import type { UpCommand } from "./dev-args";
import { claimDevHome, releaseDevHome, writeDevState } from "./dev-state";
import { type DataServices, startDataServices } from "./data-services";
import { DEVELOPER, LOCAL_RULES, type LocalIdentity, startLocalIdentity } from "./local-identity";

/** The apps, in port order from --port-base, with their service accounts (as platform-apps names them). */
const APPS = [
  { name: "discovery", main: "apps/discovery/main.ts", account: "platform/discovery" },
  { name: "flags", main: "apps/flags/main.ts", account: "platform/flags" },
  { name: "health", main: "apps/health/main.ts", account: "platform/health" },
  { name: "worker", main: "apps/worker/main.ts", account: "workers/worker" },
] as const;
const READY_TIMEOUT_MS = 120_000;

export interface RunningEnvironment {
  readonly apps: readonly AppProcess[];
  stop(): Promise<void>;
}

export async function startDevEnvironment(command: UpCommand, print: (line: string) => void): Promise<RunningEnvironment> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const home = claimDevHome();
  let data: DataServices | undefined;
  let identity: LocalIdentity | undefined;
  const apps: AppProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(apps.map((app) => stopApp(app)));
    await identity?.close();
    await data?.stop();
    releaseDevHome();
  };
  try {
    [data, identity] = await Promise.all([startDataServices(print), startLocalIdentity(home)]);
    print(`migrations applied, topics created (${elapsed()})`);
    const ports = await portsFor(command.portBase);
    const discoveryUrl = `http://127.0.0.1:${ports[0]}`;
    for (const [index, app] of APPS.entries()) {
      const spec: AppSpec = { name: app.name, main: app.main, port: ports[index]!, env: await appEnv(app, ports[index]!, discoveryUrl, data, identity) };
      apps.push(startApp(spec, home, command.watch));
    }
    await waitForEveryApp(apps, discoveryUrl);
    writeDevState({ pid: process.pid, discoveryUrl, redisUrl: data.redisUrl, developerTokenFile: await identity.tokenFile(DEVELOPER), apps: Object.fromEntries(apps.map((app) => [app.name, app.url])) });
    print(`all ready in ${elapsed()}${command.watch ? " (reloading on change)" : ""}:`);
    for (const app of apps) print(`  ${app.name.padEnd(10)} ${app.url}   log: ${app.logFile}`);
    print(`  postgres   ${data.postgresUrl.replace(/\/\/[^@]*@/, "//")}\n  redis      ${data.redisUrl}\n  kafka      ${data.kafkaBrokers}`);
    print(`route a service to your process: npm run dev -- override <service> --target http://localhost:PORT --routing-key KEY`);
    print("Ctrl-C stops everything");
    return { apps, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function portsFor(base: number): Promise<number[]> {
  if (base !== 0) return APPS.map((_, index) => base + index);
  const ports: number[] = [];
  while (ports.length < APPS.length) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

async function appEnv(app: (typeof APPS)[number], port: number, discoveryUrl: string, data: DataServices, identity: LocalIdentity): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: "127.0.0.1",
    SERVICE_VERSION: "dev-local",
    LOG_FORMAT: "plain",
    SHUTDOWN_TIMEOUT_MS: "8000",
    REDIS_URL: data.redisUrl,
    KAFKA_BROKERS: data.kafkaBrokers,
    KAFKA_AUTH: "none",
    KAFKAJS_NO_PARTITIONER_WARNING: "1",
    // Verified callers and the same authorisation as in the cluster, against the local issuer.
    CALLER_TOKEN_ISSUERS: identity.issuerUrl,
    CALLER_TOKEN_FILE: await identity.tokenFile(app.account),
    AUTHORISATION_RULES: JSON.stringify(LOCAL_RULES),
    AUTHORISATION_RULES_FILE: "",
    SELF_REGISTRATION_DISCOVERY_URL: discoveryUrl,
    SELF_REGISTRATION_ON_DRAIN: "deregister",
  };
  // Values from the developer's shell for these would point the app elsewhere.
  for (const key of ["SELF_REGISTRATION_ENDPOINT", "CALLER_TOKEN_HOSTS", "REDIS_TLS_CA_FILE", "DATABASE_TLS_SERVER_NAME", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]) env[key] = "";
  if (app.name === "health") {
    // Health finds the apps only through discovery: its events, or discovery's list. No URL list.
    return { ...env, DATABASE_URL: data.postgresUrl, REGISTRATIONS_DATABASE_URL: data.databaseUrls.health, DISCOVERY_URL: discoveryUrl, HEALTH_PROBE_INTERVAL_MS: "2000" };
  }
  return { ...env, DATABASE_URL: data.databaseUrls[app.name], ...(app.name === "worker" ? { WORKER_AGENT_ID: "local-worker" } : {}) };
}

/** Every app answers /readyz and is registered in discovery (its self-registration). */
async function waitForEveryApp(apps: readonly AppProcess[], discoveryUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const pending = new Set(apps);
  while (pending.size > 0) {
    for (const app of pending) {
      const gone = app.exited();
      if (gone) throw new Error(`${app.name} ${gone} before it was ready; see ${app.logFile}`);
      if ((await answers(`${app.url}/readyz`)) && (await answers(`${discoveryUrl}/v1/services/${app.name}`))) pending.delete(app);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${[...pending].map((app) => `${app.name} (log: ${app.logFile})`).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    // Longer than an app's own check timeout (HEALTH_CHECK_TIMEOUT_MS, 1 s): on a loaded machine a
    // /readyz that runs several checks may take over a second and still answer 200.
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
