/** Reading sslmode/sslrootcert from a database URL (postgres-tls.ts); real servers: components/postgres/server-tls.int.test.ts. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PeerCertificate } from "node:tls";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "./config";
import { createPostgresPool } from "./dependencies";
import { createService } from "./index";
import { describePostgresTlsFailure, postgresConnectionConfig, serverNameProblem } from "./postgres-tls";

const dir = mkdtempSync(path.join(tmpdir(), "armature-pg-tls-unit-"));
const CA = path.join(dir, "ca.pem");
writeFileSync(CA, "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n");
const NOT_PEM = path.join(dir, "not.pem");
writeFileSync(NOT_PEM, "hello\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = "postgresql://app:pw@10.30.0.3:5432/app";
const problemOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("no error");
};

describe("postgresConnectionConfig", () => {
  it("verify-ca: trusts the CA file, strips the TLS parameters node-postgres would misread, keeps the others", () => {
    const config = postgresConnectionConfig(`${BASE}?application_name=x&sslmode=verify-ca&sslrootcert=${CA}`, undefined);
    expect(config.connectionString).toBe(`${BASE}?application_name=x`);
    expect(config.ssl).toMatchObject({ ca: expect.stringContaining("BEGIN CERTIFICATE") });
    expect(config.ssl && config.ssl.checkServerIdentity).toBeTypeOf("function");
  });

  it("verify-full: the CA, and Node's own host check", () => {
    const config = postgresConnectionConfig(`${BASE}?sslmode=verify-full&sslrootcert=${CA}`, undefined);
    expect(config.connectionString).toBe(BASE);
    expect(config.ssl).toEqual({ ca: expect.stringContaining("BEGIN CERTIFICATE") });
  });

  it("no sslmode or sslmode=disable: plaintext (local servers)", () => {
    expect(postgresConnectionConfig(BASE, undefined)).toEqual({ connectionString: BASE, ssl: false });
    expect(postgresConnectionConfig(`${BASE}?sslmode=disable`, undefined)).toEqual({ connectionString: BASE, ssl: false });
  });

  it.each([
    ["sslmode=require (accepts any server: the old URL)", `${BASE}?sslmode=require`, undefined, /DATABASE_URL: found sslmode=require; expected sslmode=verify-ca \(or verify-full\) with sslrootcert=<the server's CA file>/],
    ["sslmode=prefer", `${BASE}?sslmode=prefer&sslrootcert=${CA}`, undefined, /found sslmode=prefer/],
    ["an unknown sslmode", `${BASE}?sslmode=verify`, undefined, /found sslmode=verify;/],
    ["verify-ca without a CA file", `${BASE}?sslmode=verify-ca`, undefined, /found sslmode=verify-ca without sslrootcert; expected sslrootcert=<PEM file of the server's CA> as well/],
    ["a CA file that is missing", `${BASE}?sslmode=verify-ca&sslrootcert=${dir}/missing.pem`, undefined, new RegExp(`found sslrootcert=${dir}/missing\\.pem \\(cannot read it: ENOENT\\); expected sslrootcert naming a readable PEM file of the server's CA: mount the ConfigMap postgres-server-ca there`)],
    ["a CA file without a PEM certificate", `${BASE}?sslmode=verify-ca&sslrootcert=${NOT_PEM}`, undefined, /\(it holds no PEM certificate\)/],
    ["a client certificate parameter", `${BASE}?sslmode=verify-ca&sslrootcert=${CA}&sslcert=/x.pem`, undefined, /found the parameter sslcert; expected only sslmode and sslrootcert as TLS parameters/],
    ["a server name without TLS", BASE, "p:i", /DATABASE_TLS_SERVER_NAME: found "p:i" while the URL's sslmode is unset/],
    ["a server name with verify-full", `${BASE}?sslmode=verify-full&sslrootcert=${CA}`, "p:i", /DATABASE_TLS_SERVER_NAME: found "p:i" with sslmode=verify-full; expected unset it/],
  ])("refuses %s, naming the setting and the fix", (_, url, serverName, message) => {
    const text = problemOf(() => postgresConnectionConfig(url, serverName));
    expect(text).toMatch(message);
    expect(text).not.toContain(":pw@");
  });

  it("reads DATABASE_TLS_SERVER_NAME from the environment when not given", () => {
    process.env["DATABASE_TLS_SERVER_NAME"] = "p:i";
    try {
      expect(problemOf(() => postgresConnectionConfig(BASE))).toMatch(/DATABASE_TLS_SERVER_NAME: found "p:i"/);
    } finally {
      delete process.env["DATABASE_TLS_SERVER_NAME"];
    }
  });
});

describe("serverNameProblem (verify-ca's name check)", () => {
  const certificate = (CN: string | undefined, subjectaltname?: string) => ({ subject: CN ? { CN } : {}, subjectaltname }) as unknown as PeerCertificate;

  it("accepts any name when none is expected, the common name, or a DNS subjectAltName", () => {
    expect(serverNameProblem(undefined, certificate("anything"))).toBeUndefined();
    expect(serverNameProblem("p:i", certificate("p:i"))).toBeUndefined();
    expect(serverNameProblem("abc.europe-west1.sql.goog", certificate("other", "DNS:ABC.europe-west1.sql.goog, IP Address:10.0.0.1"))).toBeUndefined();
  });

  it("refuses another name, saying what the certificate names", () => {
    const problem = serverNameProblem("p:i", certificate("p:other", "DNS:x.sql.goog"));
    expect(problem?.message).toBe("the Postgres server's certificate (CN=p:other, DNS:x.sql.goog) does not name p:i (DATABASE_TLS_SERVER_NAME): check that DATABASE_URL points at that instance");
    expect(serverNameProblem("p:i", certificate(undefined))?.message).toMatch(/\(CN=\(none\)\)/);
  });
});

describe("describePostgresTlsFailure", () => {
  it("explains an untrusted chain and leaves other errors alone", () => {
    expect(describePostgresTlsFailure(Object.assign(new Error("unable to verify the first certificate"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }))).toMatch(/not signed by the CA in sslrootcert/);
    expect(describePostgresTlsFailure(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(describePostgresTlsFailure(undefined)).toBeUndefined();
  });
});

describe("the kit's clients", () => {
  it("createPostgresPool refuses a bad URL before connecting", () => {
    expect(() => createPostgresPool(`${BASE}?sslmode=require`, { timeoutMs: 100, logger: pino({ level: "silent" }) })).toThrow(ConfigError);
  });

  it("createService stops with a ConfigError naming DATABASE_URL when kit.postgres gets a URL whose CA file is missing", async () => {
    const started = createService({
      name: "bad-tls",
      env: { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "fatal" },
      setup(kit) {
        kit.postgres(`${BASE}?sslmode=verify-ca&sslrootcert=/etc/armature/postgres/server-ca.pem`);
      },
    });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/DATABASE_URL: found sslrootcert=\/etc\/armature\/postgres\/server-ca\.pem \(cannot read it: ENOENT\)/);
  });

  it("createService refuses a DATABASE_TLS_SERVER_NAME with spaces", async () => {
    await expect(createService({ name: "bad-name", env: { PORT: "0", DATABASE_TLS_SERVER_NAME: "my project" }, setup: () => undefined })).rejects.toThrow(/DATABASE_TLS_SERVER_NAME: found/);
  });
});
