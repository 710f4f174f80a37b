/**
 * Bad input through the CLI, against a real database: each case is a clear message, the documented
 * non-zero exit code, and nothing applied (no history schema, no table).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { logLineProblems } from "../../kit/testing/log-capture";
import { runCliInProcess, runCliProcess, writeMigrationFolder } from "./testing";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase("bad_input");
});
afterAll(async () => {
  await database.drop();
});

async function untouched(): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname = 'armature_migrator' UNION ALL SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(rows).toEqual([]);
  } finally {
    await client.end();
  }
}

const good = "CREATE TABLE things (id int PRIMARY KEY);\n";

async function preWith(files: Record<string, string | Buffer>) {
  const directory = await writeMigrationFolder("inventory", files);
  return runCliInProcess(["pre", "--dir", directory], { DATABASE_URL: database.url });
}

describe("a malformed migrations folder is refused before anything is applied (exit 3)", () => {
  const cases: [string, Record<string, string | Buffer>, RegExp][] = [
    ["a SQL syntax error, with file, line and column", { "0001_a/pre.sql": good, "0002_b/pre.sql": "-- add a column\nALTER TABLE things ADD COLUMN name text;\nCREAT TABLE x ();\n" }, /0002_b\/pre\.sql:3:1: syntax error at or near "CREAT"/],
    ["an empty step", { "0001_a/pre.sql": "  \n" }, /0001_a\/pre\.sql is empty/],
    ["a misspelt directive", { "0001_a/pre.sql": `-- armature:no-transactions\n${good}` }, /unknown directive `-- armature:no-transactions`/],
    ["the directive below the first line", { "0001_a/pre.sql": `-- index\n-- armature:no-transaction\n${good}` }, /0001_a\/pre\.sql:2:1: `-- armature:no-transaction` must be the first line/],
    ["BEGIN/COMMIT inside a step", { "0001_a/pre.sql": `BEGIN;\n${good}COMMIT;\n` }, /0001_a\/pre\.sql:1:1: transaction control .* is not allowed/],
    ["CREATE INDEX CONCURRENTLY in a transactional step", { "0001_a/pre.sql": `${good}CREATE INDEX CONCURRENTLY things_id ON things (id);\n` }, /0001_a\/pre\.sql:2:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction/],
    ["a file that is not UTF-8", { "0001_a/pre.sql": Buffer.from([0x2d, 0x2d, 0x20, 0xff, 0xfe, 0x0a]) }, /0001_a\/pre\.sql is not valid UTF-8/],
    ["a TypeScript step without a default function", { "0001_a/pre.ts": "export const up = 1;\n" }, /0001_a\/pre\.ts must `export default async function/],
    ["a version folder name that is not <NNNN>_<slug>", { "0001_a/pre.sql": good, "2_add_things/pre.sql": good }, /2_add_things: not a version folder name/],
    ["a misspelt step file", { "0001_a/pre.sql": good, "0001_a/post.sql": good, "0001_a/rollback_post.sql": good }, /0001_a\/rollback_post\.sql: unexpected file/],
    ["a post step without rollback-post", { "0001_a/pre.sql": good, "0001_a/post.sql": "DROP TABLE things;\n" }, /0001_a: post step without rollback-post/],
    ["a rollback-post without a post step", { "0001_a/pre.sql": good, "0001_a/rollback-post.sql": good }, /0001_a: rollback-post without a post step/],
    ["a version without pre", { "0001_a/post.sql": good, "0001_a/rollback-post.sql": good }, /0001_a: no pre step/],
    ["a gap in versions", { "0001_a/pre.sql": good, "0003_c/pre.sql": good }, /without gaps: expected 0002, found 0003_c/],
    ["a duplicate version", { "0001_a/pre.sql": good, "0002_b/pre.sql": good, "0002_c/pre.sql": good }, /version 0002 is used by 0002_b and 0002_c/],
    ["versions not starting at 0001", { "0002_b/pre.sql": good }, /expected 0001, found 0002_b/],
    ["a stray file beside the versions", { "0001_a/pre.sql": good, "notes.txt": "x" }, /notes\.txt: unexpected file/],
  ];

  it.each(cases)("%s", async (_name, files, message) => {
    const result = await preWith(files);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/nothing was applied/);
    expect(result.code).toBe(3);
    await untouched();
  });

  it("lists every problem of a folder at once", async () => {
    const result = await preWith({ "0001_a/pre.sql": "CREAT TABLE x ();", "0001_a/post.sql": good, "0003_c/pre.sql": good });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/3 problems/);
    expect(result.stderr).toMatch(/syntax error/);
    expect(result.stderr).toMatch(/without rollback-post/);
    expect(result.stderr).toMatch(/expected 0002/);
  });

  it("a folder that does not exist", async () => {
    const result = await runCliInProcess(["pre", "--dir", "/nonexistent/inventory"], { DATABASE_URL: database.url });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/migrations folder \/nonexistent\/inventory does not exist/);
  });
});

describe("a wrong database URL is a clear error (exit 4) that never prints the password", () => {
  const withUrl = async (url: string) => {
    const directory = await writeMigrationFolder("inventory", { "0001_a/pre.sql": good });
    return runCliInProcess(["pre", "--dir", directory], { DATABASE_URL: url });
  };
  const serverUrl = () => new URL(database.url);

  it("no server at that address", async () => {
    const result = await withUrl("postgres://app:s3cret@127.0.0.1:1/inventory");
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/inventory: connection refused/);
    expect(result.stderr).not.toMatch(/s3cret/);
  });

  it("a wrong password", async () => {
    const url = serverUrl();
    url.password = "wrong-password";
    const result = await withUrl(url.toString());
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/the server refused the credentials/);
    expect(result.stderr).not.toMatch(/wrong-password/);
    await untouched();
  });

  it("a database that does not exist", async () => {
    const url = serverUrl();
    url.pathname = "/no_such_database";
    const result = await withUrl(url.toString());
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/no_such_database: the database does not exist/);
  });

  it("a role that may not create the history schema", async () => {
    const role = `reader_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-password'`);
    try {
      const url = serverUrl();
      url.username = role;
      url.password = "reader-password";
      const result = await withUrl(url.toString());
      expect(result.stderr).toMatch(/cannot prepare the migration history: permission denied for database \w+ \(42501\)\n {2}how to fix: the migrator's database role needs CREATE on the database/);
      expect(result.code).toBe(4);
      await untouched();
    } finally {
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });

  it.each([
    ["not a URL", "inventory on the staging server", /the database URL is not a URL/],
    ["another scheme", "mysql://localhost/inventory", /the database URL has scheme "mysql:"/],
    ["no database name", "postgres://localhost:5432", /names no database/],
  ])("%s", async (_name, url, message) => {
    const result = await withUrl(url);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(message);
  });
});

describe("a bad command line is a usage error (exit 2)", () => {
  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["pre", "--dir", "x", "--bogus"], /Unknown option '--bogus'/],
    [["pre", "--dir", "x", "extra"], /unexpected argument "extra" after pre/],
    [["plan", "--dir", "x"], /plan needs a phase/],
    [["plan", "sideways", "--dir", "x"], /plan: unknown phase "sideways"/],
    [["pre", "--dir", "x", "--to", "2"], /--to does not apply to pre/],
    [["rollback-post", "--dir", "x", "--to", "two"], /--to must be a version number/],
    [["pre", "--dir", "x", "--lock-timeout", "soon"], /--lock-timeout must be a positive number of seconds, found "soon"/],
    [["pre", "--dir", "x", "--database", "y"], /--database and --dir both given/],
    [["status", "--json", "--log-format", "xml", "--dir", "x"], /--log-format \(or LOG_FORMAT\) must be plain or json/],
  ])("%j", async (args, message) => {
    const result = await runCliInProcess(args, { DATABASE_URL: database.url });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it("no database URL at all", async () => {
    const result = await runCliInProcess(["pre", "--dir", "x"], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no database URL\n {2}how to fix: set DATABASE_URL/);
  });
});

describe("a failing step (exit 7)", () => {
  it("is rolled back whole, names file, line and column, and keeps the steps before it", async () => {
    const directory = await writeMigrationFolder("failing", {
      "0001_a/pre.sql": good,
      "0002_b/pre.sql": "ALTER TABLE things ADD COLUMN name text;\nUPDATE things\n   SET nam = 'x';\n",
    });
    const own = await createTestDatabase("failing");
    try {
      const result = await runCliProcess(["pre", "--dir", directory], { DATABASE_URL: own.url });
      expect(result.stderr).toMatch(/0002_b\/pre\.sql:3:8: column "nam" of relation "things" does not exist \(SQLSTATE 42703\); the step was rolled back/);
      expect(result.code).toBe(7);
      const client = new pg.Client({ connectionString: own.url });
      await client.connect();
      const columns = await client.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'things' ORDER BY 1");
      const history = await client.query("SELECT name FROM armature_migrator.history");
      await client.end();
      expect(columns.rows).toEqual([{ column_name: "id" }]);
      expect(history.rows).toEqual([{ name: "0001_a" }]);
    } finally {
      await own.drop();
    }
  });
});

describe("LOG_FORMAT=json", () => {
  it("writes progress and errors as lines of the platform's log-line schema, results still on stdout", async () => {
    const own = await createTestDatabase("json_logs");
    try {
      const directory = await writeMigrationFolder("logged", { "0001_a/pre.sql": good });
      const env = { DATABASE_URL: own.url, LOG_FORMAT: "json" };
      const applied = await runCliInProcess(["pre", "--dir", directory], env);
      const refused = await runCliInProcess(["pre", "--dir", "/nonexistent/logged"], env);
      const planned = await runCliInProcess(["plan", "pre", "--dir", directory], env);
      expect([applied.code, refused.code, planned.code]).toEqual([0, 3, 0]);
      expect(planned.stdout).toMatch(/0 steps pending/);
      const lines = [applied, refused, planned].flatMap((result) => result.stderr.trim().split("\n").filter(Boolean)).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThanOrEqual(4);
      for (const line of lines) expect(logLineProblems(line), JSON.stringify(line)).toEqual([]);
      expect(lines).toContainEqual(expect.objectContaining({ level: "info", service: "migrator", msg: "pre: 1 step applied to logged" }));
      expect(lines).toContainEqual(expect.objectContaining({ level: "error", msg: expect.stringMatching(/does not exist/), data: { kind: "invalidMigrations", exitCode: 3 } }));
    } finally {
      await own.drop();
    }
  });
});
