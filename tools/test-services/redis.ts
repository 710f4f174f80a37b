/** A throwaway Redis for tests (Debian's redis-server on a free loopback port), unless REDIS_URL names one. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { exitReason, spawnServer, stopServer, tailOf } from "./child-process";
import { freePort } from "./free-port";
import { retryOnPortClash } from "./port-clash";
import { REDIS_SERVER } from "./requirements";
import { type ServiceHandle, externalService } from "./service-handle";
import { waitUntil } from "./wait-until";

export async function startRedis(): Promise<ServiceHandle> {
  const given = process.env["REDIS_URL"];
  if (given) return externalService("redis", given);
  return retryOnPortClash("redis", startOwnRedis);
}

async function startOwnRedis(): Promise<ServiceHandle> {
  const dir = await mkdtemp(path.join(tmpdir(), "armature-redis-"));
  const port = await freePort();
  const logFile = path.join(dir, "redis.log");
  const child = spawnServer(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    logFile,
  );
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitUntil("redis-server", () => ping(url), 10_000, 50, () => exitReason(child));
  } catch (error) {
    await stopServer(child);
    throw new Error(`${(error as Error).message}\n${tailOf(logFile)}`, { cause: error });
  }
  return {
    name: "redis",
    url,
    owned: true,
    stop: async () => {
      await stopServer(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function ping(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {}); // refused connections are expected until the server listens
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}
