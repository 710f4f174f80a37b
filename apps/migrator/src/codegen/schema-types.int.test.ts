/**
 * The generated query types must match the migrations: this fails when any database folder's
 * `schema.generated.ts` is stale or missing (fix: `npm run db:types`). Also shows an app-style
 * typed query with the generated `DB`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../tools/test-services/fixtures";
import type { DB as ShopDB } from "../../fixtures/shop/schema.generated";
import { migrateToLatest } from "../migrate";
import { copyFixture } from "../testing";
import { committedTypes, foldersWithTypes, generatedFileName, regenerateCommand, typesForFolder } from "./schema-types";

async function staleness(folder: string): Promise<string | undefined> {
  const database = await createTestDatabase("types");
  try {
    const fresh = await typesForFolder(folder, database.url);
    const committed = await committedTypes(folder);
    if (committed === fresh) return undefined;
    const file = path.relative(process.cwd(), path.join(folder, generatedFileName));
    return committed === undefined ? `${file} is missing` : `${file} is stale`;
  } finally {
    await database.drop();
  }
}

describe("generated query types", () => {
  it("are current for every database folder under migrations/ and the fixtures", async () => {
    const folders = await foldersWithTypes();
    expect(folders.map((folder) => path.basename(folder))).toContain("shop");
    const problems = (await Promise.all(folders.map(staleness))).filter((problem) => problem !== undefined);
    expect(problems, `run \`${regenerateCommand}\` and commit the result`).toEqual([]);
  });

  it("are reported stale when a migration changes the schema", async () => {
    const folder = await copyFixture("shop");
    expect(await staleness(folder)).toBeUndefined();
    await mkdir(path.join(folder, "0006_add_customer_email"));
    await writeFile(path.join(folder, "0006_add_customer_email/pre.sql"), "ALTER TABLE customers ADD COLUMN email text;\n");
    expect(await staleness(folder)).toMatch(/schema\.generated\.ts is stale/);
  });

  it("type an app's queries (Kysely with the generated DB)", async () => {
    const database = await createTestDatabase("typed");
    const db = new Kysely<ShopDB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }) });
    try {
      await migrateToLatest({ databaseUrl: database.url, directory: await copyFixture("shop") });
      const inserted = await db.insertInto("customers").values({ full_name: "Ada Lovelace" }).returning(["id", "created_at"]).executeTakeFirstOrThrow();
      const found = await db.selectFrom("customers").select(["full_name"]).where("id", "=", inserted.id).executeTakeFirstOrThrow();
      expect(found.full_name).toBe("Ada Lovelace");
      expect(inserted.created_at).toBeInstanceOf(Date);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
