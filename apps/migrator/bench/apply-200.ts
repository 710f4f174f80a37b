/**
 * Benchmark: apply 200 migrations with the Armature runner and with node-pg-migrate, the same SQL,
 * the same server, a fresh database per run, several rounds in alternating order. Prints each
 * round, the medians and the ratio; asserts nothing.
 *
 *   npx tsx apps/migrator/bench/apply-200.ts [--rounds N] [--migrations N]
 *
 * Uses DATABASE_URL (a server where it may create databases) or starts a throwaway embedded
 * Postgres (fsync off, like the tests). node-pg-migrate runs twice per round: with its default of
 * one transaction for the whole batch, and with one transaction per migration, which is what the
 * Armature runner does (and must: a runner killed mid-way keeps every step it finished).
 * A floor runs too: the same SQL sent by bare pg as one query in one transaction, with no history,
 * lock or checks. Most of every runner's time is Postgres executing that SQL, so no runner can be
 * much faster than the floor.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startPostgres } from "../../../tools/test-services/postgres";
import { migrate } from "../src";
import { withScratchDatabase } from "../src/scratch-database";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" }, migrations: { type: "string", default: "200" } } });
const rounds = Number(values.rounds);
const count = Number(values.migrations);

/** Migration `index`: a table, an index, a few rows, and every third one alters the previous table. */
function migrationSql(index: number): string {
  const lines = [
    `CREATE TABLE bench_${index} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
    `CREATE INDEX bench_${index}_name ON bench_${index} (name);`,
    `INSERT INTO bench_${index} (name) SELECT 'row ' || n FROM generate_series(1, 10) AS n;`,
  ];
  if (index > 1 && index % 3 === 0) lines.push(`ALTER TABLE bench_${index - 1} ADD COLUMN note text;`);
  return `${lines.join("\n")}\n`;
}

async function writeFolders(root: string): Promise<{ armature: string; nodePgMigrate: string }> {
  const armature = path.join(root, "bench");
  const nodePgMigrate = path.join(root, "node-pg-migrate");
  await mkdir(nodePgMigrate, { recursive: true });
  for (let index = 1; index <= count; index += 1) {
    const name = `${String(index).padStart(4, "0")}_step_${index}`;
    await mkdir(path.join(armature, name), { recursive: true });
    await writeFile(path.join(armature, name, "pre.sql"), migrationSql(index));
    await writeFile(path.join(nodePgMigrate, `${name}.sql`), `-- Up Migration\n${migrationSql(index)}\n-- Down Migration\n`);
  }
  return { armature, nodePgMigrate };
}

/** Every migration's SQL, in order: what the floor sends as one query. */
function allMigrationsSql(): string {
  return Array.from({ length: count }, (_, index) => migrationSql(index + 1)).join("");
}

async function countRows(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(sql);
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

const NODE_PG_MIGRATE_DEFAULT = "node-pg-migrate (default: one transaction)";
const FLOOR = "floor: the SQL as one query, bare pg";

type Contender = { name: string; apply: (url: string) => Promise<void>; applied: (url: string) => Promise<number> };

async function main(): Promise<void> {
  const { runner } = await import("node-pg-migrate");
  const root = await mkdtemp(path.join(tmpdir(), "armature-bench-"));
  const folders = await writeFolders(root);
  const floorSql = allMigrationsSql();
  const server = await startPostgres();
  // node-pg-migrate gets a client we connect and close (inside the timing), so none outlives its database.
  const nodePgMigrate = (singleTransaction: boolean) => async (url: string) => {
    const dbClient = new pg.Client({ connectionString: url });
    dbClient.on("error", () => undefined);
    await dbClient.connect();
    try {
      await runner({ dbClient, dir: folders.nodePgMigrate, direction: "up", migrationsTable: "pgmigrations", singleTransaction, log: () => undefined });
    } finally {
      await dbClient.end();
    }
  };
  const contenders: Contender[] = [
    {
      name: "armature runner",
      apply: async (url) => void (await migrate({ databaseUrl: url, directory: folders.armature, phase: "pre" })),
      applied: (url) => countRows(url, "SELECT count(*) AS n FROM armature_migrator.history"),
    },
    { name: NODE_PG_MIGRATE_DEFAULT, apply: nodePgMigrate(true), applied: (url) => countRows(url, "SELECT count(*) AS n FROM pgmigrations") },
    { name: "node-pg-migrate (a transaction per migration)", apply: nodePgMigrate(false), applied: (url) => countRows(url, "SELECT count(*) AS n FROM pgmigrations") },
    {
      name: FLOOR,
      apply: async (url) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`BEGIN;\n${floorSql}COMMIT;`);
        } finally {
          await client.end();
        }
      },
      applied: (url) => countRows(url, "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'bench\\_%'"),
    },
  ];
  const timings = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  try {
    console.log(`applying ${count} migrations, ${rounds} rounds, fresh database per run (postgres ${server.owned ? "embedded, fsync off" : "from DATABASE_URL"})`);
    for (let round = 1; round <= rounds; round += 1) {
      const order = round % 2 === 1 ? contenders : [...contenders].reverse();
      const line: string[] = [];
      for (const contender of order) {
        const ms = await withScratchDatabase(server.url, "bench", async (url) => {
          const started = performance.now();
          await contender.apply(url);
          const elapsed = performance.now() - started;
          const applied = await contender.applied(url);
          if (applied !== count) throw new Error(`${contender.name} applied ${applied} of ${count} migrations`);
          return elapsed;
        });
        timings.get(contender.name)?.push(ms);
        line.push(`${contender.name} ${ms.toFixed(0)} ms`);
      }
      console.log(`round ${round}: ${line.join(", ")}`);
    }
    // The median is the headline; the best run is shown too, since on a shared machine other
    // load only ever adds time.
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;
    const best = (list: number[]) => Math.min(...list);
    const ours = timings.get("armature runner") ?? [];
    console.log("\nper run:                                           median     best");
    for (const contender of contenders) {
      const theirs = timings.get(contender.name) ?? [];
      const ratio =
        contender.name === "armature runner"
          ? ""
          : `  armature/this: median ${(median(ours) / median(theirs)).toFixed(2)}, best ${(best(ours) / best(theirs)).toFixed(2)} (below 1: armature faster)`;
      console.log(`  ${contender.name.padEnd(48)} ${median(theirs).toFixed(0).padStart(6)} ms ${best(theirs).toFixed(0).padStart(6)} ms${ratio}`);
    }
    // The floor sends the SQL and nothing else: no runner's ratio against node-pg-migrate can go below this.
    const floor = timings.get(FLOOR) ?? [];
    const nodePgMigrateDefault = timings.get(NODE_PG_MIGRATE_DEFAULT) ?? [];
    console.log(`\nlowest ratio any runner could reach (floor/node-pg-migrate default): median ${(median(floor) / median(nodePgMigrateDefault)).toFixed(2)}, best ${(best(floor) / best(nodePgMigrateDefault)).toFixed(2)}`);
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
