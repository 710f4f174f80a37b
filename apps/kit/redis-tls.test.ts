/** REDIS_TLS_CA_FILE: the config key's checks and the client option it becomes (TLS itself: redis-tls.int.test.ts). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "./dependencies";
import { ConfigError, kitConfigSchema, parseConfig } from "./index";

const dir = mkdtempSync(path.join(tmpdir(), "armature-redis-ca-"));
const pem = path.join(dir, "ca.crt");
const notPem = path.join(dir, "notes.txt");
writeFileSync(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
writeFileSync(notPem, "not a certificate\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problemsOf = (env: NodeJS.ProcessEnv) => {
  try {
    parseConfig(kitConfigSchema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("the config was accepted");
};

describe("REDIS_TLS_CA_FILE", () => {
  it("is optional, and a readable PEM file is accepted as given", () => {
    expect(parseConfig(kitConfigSchema, {}).REDIS_TLS_CA_FILE).toBeUndefined();
    expect(parseConfig(kitConfigSchema, { REDIS_TLS_CA_FILE: pem }).REDIS_TLS_CA_FILE).toBe(pem);
  });

  it.each([
    ["a file that does not exist", path.join(dir, "missing.crt"), /^a readable PEM file of CA certificates \(cannot read it: ENOENT\) \(correct REDIS_TLS_CA_FILE, or unset it\)$/],
    ["a directory", dir, /^a readable PEM file of CA certificates \(cannot read it: EISDIR\) \(correct REDIS_TLS_CA_FILE, or unset it\)$/],
    ["a file without a PEM certificate", notPem, /^a readable PEM file of CA certificates \(it holds no PEM certificate\) \(correct REDIS_TLS_CA_FILE, or unset it\)$/],
  ])("refuses %s, naming the variable and the path", (_, file, expected) => {
    const [problem, ...others] = problemsOf({ REDIS_TLS_CA_FILE: file });
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ variable: "REDIS_TLS_CA_FILE", found: JSON.stringify(file) });
    expect(problem!.expected).toMatch(expected);
  });

  it("becomes the Redis client's trusted CA for rediss:// URLs", () => {
    const client = createRedis("rediss://127.0.0.1:1", { timeoutMs: 100, logger: pino({ level: "silent" }), tlsCaFile: pem });
    client.on("error", () => {}); // nothing listens on port 1
    try {
      expect(client.options.tls).toMatchObject({ ca: expect.stringContaining("BEGIN CERTIFICATE") as unknown });
    } finally {
      client.disconnect();
    }
  });

  it("is refused with a plain redis:// URL, which would never use it", () => {
    expect(() => createRedis("redis://127.0.0.1:1", { timeoutMs: 100, logger: pino({ level: "silent" }), tlsCaFile: pem })).toThrow(
      "a Redis TLS CA file is set (REDIS_TLS_CA_FILE) but the Redis URL is not rediss://: use a rediss:// URL, or unset REDIS_TLS_CA_FILE",
    );
  });
});
