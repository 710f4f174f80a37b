/**
 * The kit's Redis client over TLS with a private CA (REDIS_TLS_CA_FILE), against real redis-server
 * processes serving TLS with certificates made here by openssl: one with an IP subjectAltName, one
 * named only by its common name (how Memorystore names its instances), one for another address.
 */
import { type ChildProcess, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect } from "node:net";
import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, stopServer, tailOf } from "../../tools/test-services/child-process";
import { freePort } from "../../tools/test-services/free-port";
import { REDIS_SERVER } from "../../tools/test-services/requirements";
import { waitUntil } from "../../tools/test-services/wait-until";
import { createRedis } from "./dependencies";
import { createService } from "./index";

const OPENSSL = spawnSync("openssl", ["version"]).status === 0;
if (!OPENSSL) console.log("skipping the Redis TLS tests: the openssl command is not installed (apt-get install openssl)");

const dir = mkdtempSync(path.join(tmpdir(), "armature-redis-tls-"));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.stderr}`);
};

/** A CA, and a server certificate it signs for `subject`, with `extensions` (an openssl extfile) if any. */
function makeCa(name: string): void {
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.crt`), "-days", "1", "-subj", `/CN=${name}`);
}
function makeServerCertificate(name: string, ca: string, commonName: string, subjectAltName?: string): void {
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`), "-subj", `/CN=${commonName}`);
  const extensions = subjectAltName ? ["-extfile", file(`${name}.ext`)] : [];
  if (subjectAltName) writeFileSync(file(`${name}.ext`), `subjectAltName=${subjectAltName}\n`);
  openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", file(`${ca}.crt`), "-CAkey", file(`${ca}.key`), "-CAcreateserial", "-out", file(`${name}.crt`), "-days", "1", ...extensions);
}

const servers: ChildProcess[] = [];
const urls: Record<string, string> = {};
const quiet = pino({ level: "silent" });

async function startTlsRedis(certificate: string): Promise<string> {
  const port = await freePort();
  const logFile = file(`${certificate}.log`);
  const child = spawnServer(REDIS_SERVER, [
    "--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir,
    "--tls-cert-file", file(`${certificate}.crt`), "--tls-key-file", file(`${certificate}.key`), "--tls-auth-clients", "no",
  ], logFile);
  servers.push(child);
  await waitUntil(`redis-server with TLS (${certificate})`, () => accepts(port), 10_000, 50).catch((error: Error) => {
    throw new Error(`${error.message}\n${tailOf(logFile)}`);
  });
  return `rediss://127.0.0.1:${port}`;
}

/** Resolves once something listens on the loopback port. */
function accepts(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => (socket.destroy(), resolve()));
    socket.on("error", reject);
  });
}

async function ping(url: string, tlsCaFile?: string): Promise<string> {
  const client: Redis = createRedis(url, { timeoutMs: 1000, logger: quiet, tlsCaFile });
  let lastError: Error | undefined;
  client.on("error", (error: Error) => (lastError = error));
  try {
    return await client.ping();
  } catch (error) {
    throw lastError ?? error;
  } finally {
    client.disconnect();
  }
}

describe.skipIf(!OPENSSL)("Redis over TLS with a private CA", () => {
  beforeAll(async () => {
    makeCa("platform-ca");
    makeCa("other-ca");
    makeServerCertificate("with-ip-san", "platform-ca", "redis", "IP:127.0.0.1");
    makeServerCertificate("cn-only", "platform-ca", "127.0.0.1");
    makeServerCertificate("other-address", "platform-ca", "127.0.0.2");
    makeServerCertificate("other-ca-signed", "other-ca", "127.0.0.1", "IP:127.0.0.1");
    for (const [key, certificate] of [["withIpSan", "with-ip-san"], ["cnOnly", "cn-only"], ["otherAddress", "other-address"], ["otherCa", "other-ca-signed"]] as const) {
      urls[key] = await startTlsRedis(certificate);
    }
  }, 30_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => stopServer(server)));
    rmSync(dir, { recursive: true, force: true });
  });

  it("connects when REDIS_TLS_CA_FILE holds the server's CA, and not without it", async () => {
    expect(await ping(urls["withIpSan"]!, file("platform-ca.crt"))).toBe("PONG");
    await expect(ping(urls["withIpSan"]!)).rejects.toThrow(/self[- ]signed certificate|unable to verify/i);
  });

  it("accepts a certificate that names the IP only as its common name (Memorystore's layout)", async () => {
    expect(await ping(urls["cnOnly"]!, file("platform-ca.crt"))).toBe("PONG");
  });

  it("refuses a certificate of the right CA for another address, or one of another CA", async () => {
    await expect(ping(urls["otherAddress"]!, file("platform-ca.crt"))).rejects.toThrow(/127\.0\.0\.1 is not in the cert's list/);
    expect(await ping(urls["otherCa"]!, file("other-ca.crt"))).toBe("PONG");
    await expect(ping(urls["otherCa"]!, file("platform-ca.crt"))).rejects.toThrow(/self[- ]signed certificate|unable to verify/i);
  });

  it("wires REDIS_TLS_CA_FILE from the app's config into kit.redis(): /readyz passes its Redis check over TLS", async () => {
    const service = await createService({
      name: "tls-fixture",
      env: { REDIS_TLS_CA_FILE: file("platform-ca.crt") },
      setup: (kit) => void kit.redis(urls["cnOnly"]!),
      logDestination: { write: () => true },
    });
    try {
      const response = await service.app.inject({ method: "GET", url: "/readyz" });
      expect(response.json<{ checks: Record<string, { status: string }[]> }>().checks["redis:responseTime"]?.[0]?.status).not.toBe("fail");
      expect(response.statusCode).toBe(200);
    } finally {
      await service.shutdown();
    }
  });
});
