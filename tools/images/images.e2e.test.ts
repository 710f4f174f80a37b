/**
 * Every platform image, built from the repository's Dockerfiles the way `npm run images` builds it,
 * then run with podman against real Postgres, Redis and Kafka on the host network: non-root, read-only
 * root filesystem, no shell; ready on /readyz; SIGTERM under load ends every in-flight request and
 * exits 0 within the grace period; the migrator image applies `pre`. Sizes and times are printed as a
 * table, never asserted (the benchmark, tools/images/bench.ts, measures them with a baseline).
 * The e2e lane: it installs podman if needed, builds five images and starts its own servers, one file
 * at a time after the other lanes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKafka } from "../test-services/kafka";
import { startPostgres } from "../test-services/postgres";
import { startRedis } from "../test-services/redis";
import type { ServiceHandle } from "../test-services/service-handle";
import { buildAll } from "./build";
import { startContainer } from "./container";
import { BASE_IMAGE, IMAGES, type ImageName } from "./image-catalog";
import { LOAD_PATHS, MIGRATED_APPS, type TestServices, appEnv, createDatabases, dropDatabases, migratePre, runtimeFacts, sigtermUnderLoad } from "./lane";
import { imageSizes, megabytes } from "./measure";
import { podmanOrFail } from "./podman";
import { table } from "./table";

let handles: ServiceHandle[] = [];
let services: TestServices;
let tags: Record<ImageName, string>;
let databases: Awaited<ReturnType<typeof createDatabases>>;
const SUFFIX = String(process.pid);
const rows = new Map<ImageName, Record<string, string>>();

function record(image: ImageName, column: string, value: string): void {
  rows.set(image, { ...rows.get(image), [column]: value });
}

beforeAll(async () => {
  const started = await Promise.allSettled([startPostgres(), startRedis(), startKafka()]);
  handles = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = started.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  const [postgres, redis, kafka] = handles as [ServiceHandle, ServiceHandle, ServiceHandle];
  services = { postgresUrl: postgres.url, redisUrl: redis.url, kafkaBrokers: kafka.url };
  tags = await buildAll({ builder: "podman" });
  databases = await createDatabases(services.postgresUrl, SUFFIX);
});

afterAll(async () => {
  const columns = ["image", "compressed", "own layers", "uncompressed", "user", "run→ready (migrator: pre)", "stop after SIGTERM", "requests in flight"];
  const body = IMAGES.map((image) => columns.map((column) => (column === "image" ? image.name : (rows.get(image.name)?.[column] ?? "-"))));
  process.stdout.write(`\nplatform images (podman ${BASE_IMAGE} base; times are one run on this machine, see npm run bench:images):\n${table(columns, body)}\n\n`);
  if (services) await Promise.allSettled([dropDatabases(services.postgresUrl, SUFFIX), dropDatabases(services.postgresUrl, `m${SUFFIX}`)]);
  await Promise.allSettled(handles.map((handle) => handle.stop()));
});

describe.each(IMAGES.map((image) => image.name))("the %s image", (name) => {
  it("is small, and runs as uid 65532 with a read-only root filesystem and no shell", async () => {
    const sizes = await imageSizes(tags[name], BASE_IMAGE);
    record(name, "compressed", megabytes(sizes.compressedBytes));
    record(name, "own layers", megabytes(sizes.ownCompressedBytes));
    record(name, "uncompressed", megabytes(sizes.uncompressedBytes));
    expect(sizes.layers).toBeGreaterThan(1);
    const configuredUser = (await podmanOrFail(["image", "inspect", "--format", "{{.Config.User}}", tags[name]], "inspecting the user")).trim();
    const facts = await runtimeFacts(tags[name], configuredUser);
    record(name, "user", `${facts.uid}:${facts.gid}`);
    expect(facts).toEqual({ configuredUser: "65532:65532", uid: 65532, gid: 65532, shells: [], rootWrite: "EROFS", shellExitCode: 127 });
  });

  if (name === "migrator") {
    it("applies `pre` to each app's fresh database, and a second run finds nothing pending", async () => {
      // Databases of its own: the app tests migrate theirs as their pre-deploy Job would.
      const fresh = await createDatabases(services.postgresUrl, `m${SUFFIX}`);
      for (const app of MIGRATED_APPS) {
        const first = await migratePre(tags.migrator, app, fresh[app]);
        expect(first.code, first.stderr).toBe(0);
        expect(first.stderr).toContain("step-done");
        const again = await migratePre(tags.migrator, app, fresh[app]);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stderr).toContain("nothing-pending");
        record("migrator", "run→ready (migrator: pre)", [rows.get("migrator")?.["run→ready (migrator: pre)"], `pre ${app} ${Math.round(first.ms)} ms`].filter(Boolean).join(", "));
      }
    });
    it("exits 4 with a clear message when the database is unreachable", async () => {
      const result = await migratePre(tags.migrator, "flags", "postgres://nobody:x@127.0.0.1:1/none");
      expect(result.code).toBe(4);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
    return;
  }

  const app = name;
  it("answers /readyz 200 against the test Postgres, Redis and Kafka, and on SIGTERM under load finishes every in-flight request and exits 0", async () => {
    if (app !== "health") {
      // The schema first, as the pre-deploy Job does (the migrator image's own test applies it too: idempotent).
      const migrated = await migratePre(tags.migrator, app, databases[app]);
      expect(migrated.code, migrated.stderr).toBe(0);
    }
    const container = await startContainer(tags[app], appEnv(app, services, databases));
    record(app, "run→ready (migrator: pre)", `${Math.round(container.readyMs)} ms`);
    const probe = await fetch(`${container.baseUrl}${LOAD_PATHS[app]}`);
    expect(probe.status, await probe.text()).toBe(200);
    const shutdown = await sigtermUnderLoad(container, LOAD_PATHS[app]);
    record(app, "stop after SIGTERM", `${Math.round(shutdown.stopMs)} ms, exit ${shutdown.exitCode}`);
    record(app, "requests in flight", `${shutdown.sentBeforeSignal} sent, ${shutdown.failedBeforeSignal.length} failed`);
    expect(shutdown.withinGrace, container.output()).toBe(true);
    expect(shutdown.exitCode, container.output()).toBe(0);
    expect(shutdown.sentBeforeSignal).toBeGreaterThan(0);
    expect(shutdown.failedBeforeSignal).toEqual([]);
  });
});
