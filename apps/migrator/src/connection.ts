/**
 * Connections to the migrated database, with errors that say what is wrong with the URL (never
 * printing its password). Step connections ask the server to check every second that the client is
 * still there, so a killed runner's transaction is rolled back at once instead of holding its locks
 * until its statement ends. TLS comes from the URL's sslmode and sslrootcert and from
 * DATABASE_TLS_SERVER_NAME, exactly as the apps have it (apps/kit/postgres-tls.ts).
 */
import pg from "pg";
import { ConfigError, type PostgresConnectionConfig, describePostgresTlsFailure, postgresConnectionConfig } from "../../kit/index";
import { MigratorError } from "./errors";

export const applicationName = "armature-migrator";

/** The URL with any password replaced, for messages. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparseable URL)";
  }
}

function parseUrl(databaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new MigratorError("connection", "the database URL is not a URL", "use postgres://user:password@host:5432/database (set DATABASE_URL)");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new MigratorError("connection", `the database URL has scheme "${url.protocol}"`, "use postgres://user:password@host:5432/database");
  }
  if (url.pathname.length <= 1) {
    throw new MigratorError("connection", `the database URL ${redactUrl(databaseUrl)} names no database`, "add the database name as its path, e.g. .../flags");
  }
  return url;
}

/** The URL's TLS settings as node-postgres options, or a MigratorError saying which setting is wrong. */
function tlsConfig(databaseUrl: string): PostgresConnectionConfig {
  try {
    return postgresConnectionConfig(databaseUrl);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const [problem] = error.problems;
    throw new MigratorError("connection", `${problem?.variable ?? "DATABASE_URL"}: found ${problem?.found ?? "a bad value"}`, `use ${problem?.expected ?? "a valid value"}`);
  }
}

function explain(error: unknown, databaseUrl: string): MigratorError {
  const { code, message } = error as { code?: string; message?: string };
  const where = redactUrl(databaseUrl);
  const tls = describePostgresTlsFailure(error);
  if (tls) return new MigratorError("connection", `cannot connect to ${where}: ${tls}`, "check DATABASE_URL's sslrootcert and DATABASE_TLS_SERVER_NAME", { cause: error });
  const reason =
    code === "ECONNREFUSED"
      ? "connection refused: no server listens there"
      : code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "unknown host"
        : code === "28P01" || code === "28000"
          ? "the server refused the credentials"
          : code === "3D000"
            ? "the database does not exist"
            : (message ?? String(error));
  return new MigratorError("connection", `cannot connect to ${where}: ${reason}`, "check DATABASE_URL (host, port, user, password, database name)", {
    cause: error,
  });
}

export interface ConnectOptions {
  /** Added to the application name, so pg_stat_activity tells the lock and the step connections apart. */
  readonly role: "lock" | "steps" | "read";
  readonly connectTimeoutMs?: number;
}

export async function connect(databaseUrl: string, options: ConnectOptions): Promise<pg.Client> {
  parseUrl(databaseUrl);
  const client = new pg.Client({
    ...tlsConfig(databaseUrl),
    application_name: `${applicationName} ${options.role}`,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(options.role === "steps" && { options: "-c client_connection_check_interval=1000" }),
  });
  // An idle connection that breaks emits 'error'; the next query reports it, so do not crash here.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw explain(error, databaseUrl);
  }
  return client;
}

/**
 * A database error outside any step (creating or reading the history, a connection lost between
 * steps) as a clear MigratorError; MigratorErrors pass through unchanged.
 */
export function databaseFailure(action: string, error: unknown): MigratorError {
  if (error instanceof MigratorError) return error;
  const { code, message } = error as { code?: string; message?: string };
  const hint =
    code === "42501"
      ? "the migrator's database role needs CREATE on the database (it keeps its history in schema armature_migrator)"
      : "check the database and rerun: applied steps are recorded, so a rerun continues where this one stopped";
  return new MigratorError("connection", `${action}: ${message ?? String(error)}${code ? ` (${code})` : ""}`, hint, { cause: error });
}
