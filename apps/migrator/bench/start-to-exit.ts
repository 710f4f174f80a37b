/**
 * Benchmark: start to exit of the bundled CLI, as the image runs it, with tsx loaded up front
 * (`node --import tsx`, the image's entrypoint before) and without (now: the CLI registers tsx
 * when it first reads a TypeScript step). No container engine: the image's context is staged as
 * `npm run images` stages it (tools/images/stage.ts) and `node` runs its dist/migrator.cjs.
 *
 *   npx tsx apps/migrator/bench/start-to-exit.ts [--rounds N]
 *
 * Each round runs `status` and `pre` of migrations/flags (plain SQL) and `pre` of the shop fixture
 * (with a TypeScript step) on fresh databases, both ways, in alternating order. Asserts nothing.
 */
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { stageContext } from "../../../tools/images/stage";
import { IMAGES } from "../../../tools/images/image-catalog";
import { startPostgres } from "../../../tools/test-services/postgres";
import { withScratchDatabase } from "../src/scratch-database";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(values.rounds);

const ways = { "node --import tsx": ["--import", "tsx"], node: [] } as const;

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), "armature-start-"));
  const migrator = IMAGES.find((image) => image.name === "migrator");
  if (!migrator) throw new Error("no migrator image in tools/images/image-catalog.ts");
  await stageContext(migrator, path.join(root, "context"));
  const appDir = path.join(root, "context/app");
  const shop = path.join(root, "shop");
  await cp(path.resolve(__dirname, "../fixtures/shop"), shop, { recursive: true });
  const runs: Record<string, readonly string[]> = { status: ["status"], "pre (flags, SQL)": ["pre"], "pre (shop, a .ts step)": ["pre", "--dir", shop] };
  const server = await startPostgres();
  const timings = new Map<string, number[]>();
  try {
    for (let round = 1; round <= rounds; round += 1) {
      const order = round % 2 === 1 ? Object.entries(ways) : Object.entries(ways).reverse();
      for (const [way, flags] of order) {
        for (const [run, args] of Object.entries(runs)) {
          const ms = await withScratchDatabase(server.url, "start", (url) => {
            const started = performance.now();
            const child = spawnSync(process.execPath, [...flags, "dist/migrator.cjs", ...args], {
              cwd: appDir,
              env: { PATH: process.env["PATH"], DATABASE_URL: url, MIGRATIONS_ROOT: path.join(appDir, "migrations"), MIGRATOR_DATABASE: "flags", TSX_DISABLE_CACHE: "1" },
              encoding: "utf8",
            });
            if (child.status !== 0) throw new Error(`${way} dist/migrator.cjs ${args.join(" ")} exited ${child.status}: ${child.stderr}`);
            return Promise.resolve(performance.now() - started);
          });
          const key = `${run}|${way}`;
          timings.set(key, [...(timings.get(key) ?? []), ms]);
        }
      }
    }
    const median = (list: readonly number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;
    console.log(`start to exit of dist/migrator.cjs, ${rounds} rounds, median (all runs) in ms`);
    for (const run of Object.keys(runs)) {
      const before = timings.get(`${run}|node --import tsx`) ?? [];
      const after = timings.get(`${run}|node`) ?? [];
      const all = (list: readonly number[]) => list.map((ms) => ms.toFixed(0)).join(" ");
      console.log(`  ${run.padEnd(24)} node --import tsx ${median(before).toFixed(0).padStart(6)} (${all(before)})   node ${median(after).toFixed(0).padStart(6)} (${all(after)})   ratio ${(median(after) / median(before)).toFixed(2)}`);
    }
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
