/**
 * The checks the image test and the benchmark share: databases migrated by the migrator image, each
 * app's environment against the test Postgres/Redis/Kafka, what an image holds (user, shell, read-only
 * root), and SIGTERM under load.
 */
import pg from "pg";
import { type RunningContainer, runToCompletion } from "./container";
import type { ImageName } from "./image-catalog";
import { startLoad } from "./load";

export interface TestServices {
  readonly postgresUrl: string;
  readonly redisUrl: string;
  readonly kafkaBrokers: string;
}

/** The apps with a database of their own (migrations/<app>), migrated by the migrator image. */
export const MIGRATED_APPS = ["discovery", "flags", "worker"] as const;

/** A GET each serving app answers from its dependencies: the request kept busy under load. */
export const LOAD_PATHS: Readonly<Record<Exclude<ImageName, "migrator">, string>> = {
  discovery: "/v1/services",
  flags: "/v1/flags",
  health: "/v1/health",
  worker: "/v1/queue",
};

/** Kubernetes' default terminationGracePeriodSeconds, which the service deployment keeps (at most 30). */
export const GRACE_PERIOD_MS = 30_000;

/** A fresh database per migrated app; returns each one's URL. */
export async function createDatabases(postgresUrl: string, suffix: string): Promise<Record<(typeof MIGRATED_APPS)[number], string>> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  const urls: Partial<Record<(typeof MIGRATED_APPS)[number], string>> = {};
  try {
    for (const app of MIGRATED_APPS) {
      const name = `images_${app}_${suffix}`;
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      urls[app] = url.toString();
    }
  } finally {
    await admin.end();
  }
  return urls as Record<(typeof MIGRATED_APPS)[number], string>;
}

/** Drops the databases createDatabases made with this suffix. */
export async function dropDatabases(postgresUrl: string, suffix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    for (const app of MIGRATED_APPS) await admin.query(`DROP DATABASE IF EXISTS images_${app}_${suffix} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** `migrator pre` in the migrator image, as the pre-deploy Job runs it (apps/migrator/README.md). */
export function migratePre(migratorTag: string, database: string, databaseUrl: string) {
  return runToCompletion(migratorTag, { env: { DATABASE_URL: databaseUrl, MIGRATOR_DATABASE: database }, args: ["pre"] });
}

export function appEnv(app: Exclude<ImageName, "migrator">, services: TestServices, databases: Record<(typeof MIGRATED_APPS)[number], string>): Record<string, string> {
  // The platform keeps serving this long after SIGTERM while endpoints drop the pod (apps/kit/README.md).
  const common = { SHUTDOWN_DELAY_MS: "1000", LOG_LEVEL: "warn" };
  switch (app) {
    case "discovery":
      return { ...common, DATABASE_URL: databases.discovery, REDIS_URL: services.redisUrl };
    case "flags":
      return { ...common, DATABASE_URL: databases.flags, REDIS_URL: services.redisUrl, KAFKA_BROKERS: services.kafkaBrokers };
    case "health":
      return { ...common, DATABASE_URL: services.postgresUrl, REDIS_URL: services.redisUrl, KAFKA_BROKERS: services.kafkaBrokers };
    case "worker":
      return { ...common, DATABASE_URL: databases.worker };
  }
}

export interface ImageRuntimeFacts {
  /** The image's configured user (`podman image inspect`). */
  readonly configuredUser: string;
  /** uid and gid the process runs as. */
  readonly uid: number;
  readonly gid: number;
  /** Shells found in the image (none expected). */
  readonly shells: readonly string[];
  /** What writing under /app does with --read-only (EROFS expected). */
  readonly rootWrite: string;
  /** Exit code of `podman run --entrypoint /bin/sh` (127: no such file). */
  readonly shellExitCode: number;
}

const SHELLS = ["/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/usr/bin/sh", "/usr/bin/bash", "/bin/busybox"];

/** Looks inside an image with its own node (it has no shell to look with). */
export async function runtimeFacts(tag: string, configuredUser: string): Promise<ImageRuntimeFacts> {
  const probe = `
    const fs = require("node:fs");
    let rootWrite = "written";
    try { fs.writeFileSync("/app/probe", "x"); } catch (error) { rootWrite = error.code; }
    console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), shells: ${JSON.stringify(SHELLS)}.filter((file) => fs.existsSync(file)), rootWrite }));`;
  const result = await runToCompletion(tag, { entrypoint: "/nodejs/bin/node", args: ["-e", probe] });
  if (result.code !== 0) throw new Error(`probing ${tag} exited ${result.code}: ${result.stderr}`);
  const facts = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Pick<ImageRuntimeFacts, "uid" | "gid" | "shells" | "rootWrite">;
  const shell = await runToCompletion(tag, { entrypoint: "/bin/sh", args: ["-c", "true"] });
  return { configuredUser, ...facts, shellExitCode: shell.code };
}

export interface ShutdownUnderLoad {
  /** Requests sent before SIGTERM. */
  readonly sentBeforeSignal: number;
  /** Of those, the ones that did not end with a 200 (expected: none). */
  readonly failedBeforeSignal: readonly string[];
  readonly exitCode: number;
  /** From SIGTERM to the container's exit. */
  readonly stopMs: number;
  /** Whether it exited within the grace period (else it was killed at its end). */
  readonly withinGrace: boolean;
}

/** Loads the app, sends SIGTERM mid-load, and reports how the requests sent before it ended. */
export async function sigtermUnderLoad(container: RunningContainer, path: string, concurrency = 16): Promise<ShutdownUnderLoad> {
  const load = startLoad(`${container.baseUrl}${path}`, concurrency);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const signalledAt = performance.now();
  await container.signal("TERM");
  const exit = await Promise.race([
    container.exited.then((code) => ({ code, withinGrace: true })),
    new Promise<{ code: number; withinGrace: boolean }>((resolve) => setTimeout(() => resolve({ code: -1, withinGrace: false }), GRACE_PERIOD_MS)),
  ]);
  if (!exit.withinGrace) {
    await container.signal("KILL");
    await container.exited;
  }
  const stopMs = performance.now() - signalledAt;
  const outcomes = await load.stop();
  const before = outcomes.filter((request) => request.startedAt < signalledAt);
  return {
    sentBeforeSignal: before.length,
    failedBeforeSignal: before.filter((request) => request.outcome !== 200).map((request) => String(request.outcome)),
    exitCode: exit.code,
    stopMs,
    withinGrace: exit.withinGrace,
  };
}
