/**
 * `npm run openapi`: starts every platform app on throwaway Postgres and Redis (tools/test-services;
 * DATABASE_URL / REDIS_URL name existing ones instead) and writes what each serves at /openapi.json
 * to docs/api/<app>.json. documents.int.test.ts fails while a published document is stale.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startPostgres } from "../test-services/postgres";
import { startRedis } from "../test-services/redis";
import { REPOSITORY_ROOT } from "../repository-root";
import { DOCUMENTS_DIR, DOCUMENT_VERSION, documentFile, servedDocument } from "./documents";
import { startPlatformApps } from "./platform-apps";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length > 0) {
    process.stderr.write(`openapi: unexpected argument ${args.join(" ")}; run \`npm run openapi\` with none (it writes docs/api/<app>.json)\n`);
    process.exit(2);
  }
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  try {
    const running = await startPlatformApps({ postgresUrl: postgres.url, redisUrl: redis.url, version: DOCUMENT_VERSION });
    try {
      mkdirSync(DOCUMENTS_DIR, { recursive: true });
      for (const app of running.apps) {
        writeFileSync(documentFile(app.name), await servedDocument(app));
        process.stdout.write(`wrote ${path.relative(REPOSITORY_ROOT, documentFile(app.name))}\n`);
      }
    } finally {
      await running.stop();
    }
  } finally {
    await Promise.allSettled([postgres.stop(), redis.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
