/**
 * `npm run bench:images`: the platform images' sizes and start times, against the targets
 * (compressed under 100 MB, goal 50 MB; `podman run` to /readyz 200 under 1 s, goal 300 ms).
 * Baselines measured in the same run: the base image alone (Node and its libraries: the floor of
 * every image's size), and the same bundle started by the host's node with the same environment
 * (the floor of the start time: what the container adds is the ratio). Builds the images first
 * (cached when warm) and starts its own Postgres, Redis and Kafka.
 * Usage: npm run bench:images [-- --runs <n>]   (default 5 starts per image)
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../test-services/free-port";
import { startKafka } from "../test-services/kafka";
import { startPostgres } from "../test-services/postgres";
import { startRedis } from "../test-services/redis";
import { buildAll, contextDirOf } from "./build";
import { isReady, startContainer } from "./container";
import { BASE_IMAGE, IMAGES, type ImageName } from "./image-catalog";
import { LOAD_PATHS, MIGRATED_APPS, appEnv, createDatabases, dropDatabases, migratePre, sigtermUnderLoad } from "./lane";
import { imageSizes, megabytes } from "./measure";
import { log } from "./progress";
import { table } from "./table";

type ServingImage = Exclude<ImageName, "migrator">;

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${Math.round(value)} ms`;

/** The same bundle on the host's node: spawn to /readyz 200, then SIGTERM. */
async function hostReadyMs(app: ServingImage, env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ["main.js"], {
    cwd: path.join(contextDirOf(app), "app"),
    env: { PATH: process.env["PATH"], NODE_ENV: "production", LOG_FORMAT: "json", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    while (true) {
      if (child.exitCode !== null) throw new Error(`${app} on the host exited with ${child.exitCode} before it was ready`);
      if (await isReady(`http://127.0.0.1:${port}`)) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    process.stderr.write(`bench:images: --runs ${values.runs}: give a whole number of starts per image, 1 to 50\n`);
    process.exit(2);
  }
  const tags = await buildAll({ builder: "podman" });
  const [postgres, redis, kafka] = await Promise.all([startPostgres(), startRedis(), startKafka()]);
  const services = { postgresUrl: postgres.url, redisUrl: redis.url, kafkaBrokers: kafka.url };
  const suffix = `bench${process.pid}`;
  try {
    const databases = await createDatabases(services.postgresUrl, suffix);
    const migrateMs: string[] = [];
    for (const app of MIGRATED_APPS) {
      const result = await migratePre(tags.migrator, app, databases[app]);
      if (result.code !== 0) throw new Error(`migrator pre ${app} exited ${result.code}: ${result.stderr}`);
      migrateMs.push(`${app} ${ms(result.ms)}`);
    }
    const base = await imageSizes(BASE_IMAGE, BASE_IMAGE);
    const rows: string[][] = [["base (Node 20 + libs)", megabytes(base.compressedBytes), megabytes(base.uncompressedBytes), "-", "-", "-", "-", "-"]];
    for (const image of IMAGES) {
      const sizes = await imageSizes(tags[image.name], BASE_IMAGE);
      const compressed = `${megabytes(sizes.compressedBytes)} (${(sizes.compressedBytes / base.compressedBytes).toFixed(2)}x base)`;
      if (image.name === "migrator") {
        rows.push([image.name, compressed, megabytes(sizes.uncompressedBytes), `pre: ${migrateMs.join(", ")}`, "-", "-", "-", sizes.compressedBytes < 100e6 ? "yes" : "NO"]);
        continue;
      }
      const app = image.name;
      log(`${app}: ${runs} starts in the container and on the host, then SIGTERM under load`);
      const env = appEnv(app, services, databases);
      const container: number[] = [];
      const host: number[] = [];
      for (let run = 0; run < runs; run++) {
        const running = await startContainer(tags[app], env);
        container.push(running.readyMs);
        await running.signal("TERM");
        await running.exited;
        host.push(await hostReadyMs(app, env));
      }
      const running = await startContainer(tags[app], env);
      const shutdown = await sigtermUnderLoad(running, LOAD_PATHS[app]);
      const ready = median(container);
      rows.push([
        app,
        compressed,
        megabytes(sizes.uncompressedBytes),
        `${ms(ready)} (min ${ms(Math.min(...container))})`,
        ms(median(host)),
        `${(ready / median(host)).toFixed(2)}x`,
        `${ms(shutdown.stopMs)}, exit ${shutdown.exitCode}, ${shutdown.failedBeforeSignal.length}/${shutdown.sentBeforeSignal} in-flight failed`,
        sizes.compressedBytes < 100e6 && ready < 1000 ? "yes" : "NO",
      ]);
    }
    process.stdout.write(
      `\nplatform images: ${runs} starts each (median), podman ${BASE_IMAGE}, vfs storage, runc, host network\n` +
        `targets: compressed < 100 MB (goal 50 MB); podman run → /readyz 200 < 1 s (goal 300 ms)\n\n` +
        table(["image", "compressed", "uncompressed", "run→ready (container)", "host node (baseline)", "ratio", "SIGTERM under load", "targets met"], rows) +
        "\n",
    );
  } finally {
    await dropDatabases(services.postgresUrl, suffix).catch(() => undefined);
    await Promise.allSettled([postgres.stop(), redis.stop(), kafka.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:images: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
