/**
 * The database URL this component gives every pod, read by the apps' real connection code, against a
 * real Postgres serving TLS the way Cloud SQL does: a server certificate from a private CA made here,
 * named `<project>:<instance>` with no IP subjectAltName. The kit's pool (through createService, with
 * the env the component sets), the worker's wake-up listener and the migrator's connection verify the
 * server with the mounted CA and its name, and refuse another CA or another name, saying so.
 * It lives beside the component because it checks the contract between the two (apps never import
 * components; this test imports both).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { startPostgres } from "../../tools/test-services/postgres";
import type { ServiceHandle } from "../../tools/test-services/service-handle";
import { waitUntil } from "../../tools/test-services/wait-until";
import { createPostgresPool } from "../../apps/kit/dependencies";
import { createService } from "../../apps/kit/index";
import { describePostgresTlsFailure } from "../../apps/kit/postgres-tls";
import { connect } from "../../apps/migrator/src/connection";
import { MigratorError } from "../../apps/migrator/src/errors";
import { Wakeups } from "../../apps/worker/runtime/wakeups";
import { WAKE_CHANNEL } from "../../apps/worker/runtime/run-queue";
import { POSTGRES_TLS_SERVER_NAME_ENV, postgresUrl } from "./server-ca";

const OPENSSL = spawnSync("openssl", ["version"]).status === 0;
if (!OPENSSL) console.log("skipping the Postgres TLS tests: the openssl command is not installed (apt-get install openssl)");

const SERVER_NAME = "my-project:my-instance";
const dir = mkdtempSync(path.join(tmpdir(), "armature-pg-tls-"));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.stderr}`);
};
const makeCa = (name: string, commonName: string) =>
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.pem`), "-days", "1", "-subj", `/CN=${commonName}`);

let server: ServiceHandle | undefined;
let port = 0;
const quiet = pino({ level: "silent" });
/** The component's URL shape, with the CA where this test keeps it instead of the pod's mount path. */
const url = (caFile = file("cloudsql-ca.pem")) => postgresUrl({ role: "postgres", password: "armature-test", host: "127.0.0.1", port, database: "postgres" }, caFile);

beforeAll(async () => {
  if (!OPENSSL) return;
  makeCa("cloudsql-ca", "Google Cloud SQL Server CA");
  makeCa("other-ca", "Google Cloud SQL Server CA");
  // Like Cloud SQL's per-instance certificates: the instance's name as the common name, no subjectAltName.
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", `/CN=${SERVER_NAME}`);
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("cloudsql-ca.pem"), "-CAkey", file("cloudsql-ca.key"), "-CAcreateserial", "-out", file("server.crt"), "-days", "1");
  writeFileSync(file("not-a-ca.pem"), "not a certificate\n");
  server = await startPostgres({ tls: { certificateFile: file("server.crt"), keyFile: file("server.key") } });
  port = Number(new URL(server.url).port);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Whether the pool's connection is encrypted, as the server sees it. */
async function encrypted(query: (text: string) => Promise<{ rows: { ssl: boolean }[] }>): Promise<boolean> {
  const { rows } = await query("select ssl from pg_stat_ssl where pid = pg_backend_pid()");
  return rows[0]!.ssl;
}

describe.skipIf(!OPENSSL)("the component's database URL, read by the apps' connection code", () => {
  it("connects over verified TLS from an app, configured as the cluster configures it (DATABASE_URL and DATABASE_TLS_SERVER_NAME)", async () => {
    const service = await createService({
      name: "tls-check",
      config: z.object({ DATABASE_URL: z.string() }),
      env: { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "fatal", DATABASE_URL: url(), [POSTGRES_TLS_SERVER_NAME_ENV]: SERVER_NAME },
      setup(kit) {
        const pool = kit.postgres(kit.config.DATABASE_URL);
        kit.app.get("/tls", async () => ({ encrypted: await encrypted((text) => pool.query(text)) }));
      },
    });
    try {
      const answer = await service.app.inject({ method: "GET", url: "/tls" });
      expect(answer.json()).toEqual({ encrypted: true });
      expect((await service.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    } finally {
      await service.shutdown();
    }
  });

  it("refuses a server whose certificate another CA signed, saying the CA is the problem", async () => {
    const pool = createPostgresPool(url(file("other-ca.pem")), { timeoutMs: 5000, logger: quiet, tlsServerName: SERVER_NAME });
    try {
      const error = await pool.query("select 1").then(() => undefined, (failure: unknown) => failure);
      expect(error).toBeInstanceOf(Error);
      expect(describePostgresTlsFailure(error)).toMatch(/^the server's certificate is not signed by the CA in sslrootcert \(.+\): mount the instance's own server CA/);
    } finally {
      await pool.end();
    }
  });

  it("refuses a certificate that names another instance", async () => {
    const pool = createPostgresPool(url(), { timeoutMs: 5000, logger: quiet, tlsServerName: "my-project:another-instance" });
    try {
      await expect(pool.query("select 1")).rejects.toThrow(`the Postgres server's certificate (CN=${SERVER_NAME}) does not name my-project:another-instance (DATABASE_TLS_SERVER_NAME)`);
    } finally {
      await pool.end();
    }
  });

  it("with verify-full, fails on Cloud SQL's certificates (no IP subjectAltName): why the component says verify-ca", async () => {
    const pool = createPostgresPool(url().replace("sslmode=verify-ca", "sslmode=verify-full"), { timeoutMs: 5000, logger: quiet, tlsServerName: undefined });
    try {
      await expect(pool.query("select 1")).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
    } finally {
      await pool.end();
    }
  });

  it("connects the migrator over verified TLS, and names the CA when it is the wrong one", async () => {
    vi.stubEnv(POSTGRES_TLS_SERVER_NAME_ENV, SERVER_NAME);
    try {
      const client = await connect(url(), { role: "read" });
      try {
        expect(await encrypted((text) => client.query(text))).toBe(true);
      } finally {
        await client.end();
      }
      const refused = await connect(url(file("other-ca.pem")), { role: "read" }).then(() => undefined, (error: unknown) => error);
      expect(refused).toBeInstanceOf(MigratorError);
      expect((refused as MigratorError).describe()).toMatch(/cannot connect to postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\?.*: the server's certificate is not signed by the CA in sslrootcert.*\n {2}how to fix: check DATABASE_URL's sslrootcert and DATABASE_TLS_SERVER_NAME/);
      vi.stubEnv(POSTGRES_TLS_SERVER_NAME_ENV, "my-project:another-instance");
      await expect(connect(url(), { role: "read" })).rejects.toThrow(/does not name my-project:another-instance/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses a bad TLS setting in the migrator before connecting, naming it and the fix", async () => {
    const refused = await connect(url(file("not-a-ca.pem")), { role: "read" }).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(MigratorError);
    expect((refused as MigratorError).describe()).toBe(
      `DATABASE_URL: found sslrootcert=${file("not-a-ca.pem")} (it holds no PEM certificate)\n  how to fix: use sslrootcert naming a readable PEM file of the server's CA: mount the ConfigMap postgres-server-ca there`,
    );
  });

  it("has the worker's wake-up listener LISTEN over verified TLS, and keep polling (warning) when the CA is wrong", async () => {
    vi.stubEnv(POSTGRES_TLS_SERVER_NAME_ENV, SERVER_NAME);
    const woken: string[] = [];
    const wakeups = new Wakeups(url(), quiet, (jobId) => woken.push(jobId), 5000);
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });
    const refused = new Wakeups(url(file("other-ca.pem")), logger, (jobId) => woken.push(`refused:${jobId}`), 5000);
    const sender = createPostgresPool(url(), { timeoutMs: 5000, logger: quiet, tlsServerName: SERVER_NAME });
    try {
      wakeups.start();
      refused.start();
      await waitUntil("the listener's first wake-up", () => (woken.includes("*") ? Promise.resolve() : Promise.reject(new Error("not yet"))), 10_000, 50);
      await sender.query("select pg_notify($1, $2)", [WAKE_CHANNEL, "job-42"]);
      await waitUntil("the notification", () => (woken.includes("job-42") ? Promise.resolve() : Promise.reject(new Error("not yet"))), 10_000, 50);
      await waitUntil("the refused listener's warning", () => (warnings.length > 0 ? Promise.resolve() : Promise.reject(new Error("not yet"))), 10_000, 50);
      expect(warnings[0]).toMatch(/lost the wake-up connection to Postgres/);
      expect(warnings[0]).toMatch(/certificate/);
      expect(woken.filter((jobId) => jobId.startsWith("refused:"))).toEqual([]);
    } finally {
      await wakeups.close();
      await refused.close();
      await sender.end();
      vi.unstubAllEnvs();
    }
  });
});
