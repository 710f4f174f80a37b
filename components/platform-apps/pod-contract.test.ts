/**
 * The pod contract against the apps that receive it: each variable pod-contract.ts writes for an app
 * is a key of that app's config schema (its own zod schema or the kit's), and each file it names lies
 * in a mounted volume. Components may not import apps (layer rule), so the schemas are read as text.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { POD_VOLUMES, type PodContractInputs, appEnv, workerAgentEnv } from "./pod-contract";

const REPOSITORY = path.resolve(__dirname, "../..");
/** Where each app with pods reads its environment, besides the kit's schema (apps/kit/config.ts). */
const CONFIG_SCHEMAS = {
  discovery: "apps/discovery/config.ts",
  flags: "apps/flags/config.ts",
  health: "apps/health/config.ts",
  worker: "apps/worker/runtime/config.ts",
} as const;
type PodApp = keyof typeof CONFIG_SCHEMAS;
/** Written although the app does not read them (none today): a variable nobody reads cannot slip in unnoticed. */
const WRITTEN_UNREAD: Readonly<Partial<Record<PodApp, readonly string[]>>> = {};

const inputs: PodContractInputs = { kafkaBrokers: "bootstrap:9092", callerTokenIssuers: "https://issuer.example", gatewayDomain: "platform.example.internal", hasDatabase: true };
const envOf = (app: PodApp) => (app === "worker" ? workerAgentEnv(inputs, { version: "1.0.0", runsPerAgent: 4 }) : appEnv(app, inputs));
/** The contract's names, paths and the values compared here are plain strings. */
const text = (value: unknown): string => {
  if (typeof value !== "string") throw new Error(`expected a plain string, found ${typeof value}`);
  return value;
};
const namesOf = (app: PodApp) => envOf(app).map((variable) => text(variable.name));
const schemaKeys = (file: string) => new Set([...readFileSync(path.join(REPOSITORY, file), "utf8").matchAll(/^\s*([A-Z][A-Z0-9_]*):\s/gm)].map((match) => match[1]!));
const readBy = (app: PodApp) => new Set([...schemaKeys("apps/kit/config.ts"), ...schemaKeys(CONFIG_SCHEMAS[app])]);
const APPS = Object.keys(CONFIG_SCHEMAS) as PodApp[];

describe("the pod contract", () => {
  it("reads the apps' schemas (the kit's keys are found)", () => {
    expect(schemaKeys("apps/kit/config.ts")).toContain("CALLER_TOKEN_FILE");
    expect(schemaKeys(CONFIG_SCHEMAS.worker)).toContain("WORKER_CONCURRENCY");
  });

  it.each(APPS)("writes for %s only variables it reads", (app) => {
    const read = readBy(app);
    const unread = namesOf(app).filter((name) => !read.has(name) && !WRITTEN_UNREAD[app]?.includes(name));
    expect(unread).toEqual([]);
  });

  it.each(APPS)("gives %s each file it names in a mounted volume", (app) => {
    const volumes = new Set(POD_VOLUMES.volumes.map((volume) => text(volume.name)));
    const mounts = POD_VOLUMES.volumeMounts.filter((mount) => volumes.has(text(mount.name))).map((mount) => `${text(mount.mountPath)}/`);
    const files = envOf(app).filter((variable) => text(variable.name).endsWith("_FILE")).map((variable) => text(variable.value));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !mounts.some((mount) => file.startsWith(mount)))).toEqual([]);
  });

  it("writes no one variable twice for any app", () => {
    for (const app of APPS) expect(namesOf(app)).toEqual([...new Set(namesOf(app))]);
  });

  it("lists as written but unread only variables the contract writes and the app does not read", () => {
    for (const [app, names] of Object.entries(WRITTEN_UNREAD) as [PodApp, readonly string[]][]) {
      for (const name of names) {
        expect(namesOf(app)).toContain(name);
        expect(readBy(app)).not.toContain(name);
      }
    }
  });

  it("gives the worker agents neither Redis's URL nor Kafka's brokers: no worker code reads them", () => {
    expect(namesOf("worker")).not.toContain("REDIS_URL");
    expect(namesOf("worker")).not.toContain("KAFKA_BROKERS");
    for (const app of ["discovery", "flags", "health"] as const) expect(namesOf(app)).toEqual(expect.arrayContaining(["REDIS_URL", "KAFKA_BROKERS"]));
  });
});
