/** A throwaway database on a server where we may create databases (for codegen and the benchmark). */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Creates `<prefix>_<random>` on the server, passes its URL to `use`, and drops it afterwards. */
export async function withScratchDatabase<T>(serverUrl: string, prefix: string, use: (databaseUrl: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
