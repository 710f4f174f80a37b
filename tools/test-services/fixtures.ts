/**
 * Helpers for integration tests: each test file gets its own database, Redis key prefix or topic
 * names, so files can run in parallel against the shared servers.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server; `drop()` removes it (and ends its connections). */
export async function createTestDatabase(prefix = "test"): Promise<TestDatabase> {
  const serverUrl = inject("postgresUrl");
  const name = uniqueName(prefix);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function redisUrl(): string {
  return inject("redisUrl");
}

export function kafkaBrokers(): string[] {
  return inject("kafkaBrokers").split(",");
}
