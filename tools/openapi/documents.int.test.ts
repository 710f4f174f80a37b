/**
 * docs/api/<app>.json are current: each equals what the app, started as its image starts it on real
 * Postgres and Redis, serves at /openapi.json. When one differs, `npm run openapi` rewrites them.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DOCUMENT_VERSION, documentFile, servedDocument } from "./documents";
import { HTTP_APPS, type RunningApps, startPlatformApps } from "./platform-apps";

describe("the published OpenAPI documents", () => {
  let running: RunningApps;

  beforeAll(async () => {
    running = await startPlatformApps({ postgresUrl: inject("postgresUrl"), redisUrl: inject("redisUrl"), version: DOCUMENT_VERSION });
  });
  afterAll(() => running?.stop());

  for (const app of HTTP_APPS) {
    it(`docs/api/${app}.json is what ${app} serves (else run \`npm run openapi\`)`, async () => {
      const served = await servedDocument(running.app(app));
      expect(existsSync(documentFile(app)), `docs/api/${app}.json is missing: run \`npm run openapi\``).toBe(true);
      expect(readFileSync(documentFile(app), "utf8"), `docs/api/${app}.json is stale: run \`npm run openapi\``).toBe(served);
    });
  }
});
