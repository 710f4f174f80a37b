/**
 * `npm run db:types [-- <database>...]`: regenerates `schema.generated.ts` for every database
 * folder under migrations/ (and the migrator's fixtures), or for the named ones. Needs a Postgres
 * server where it may create scratch databases: DATABASE_URL if set, otherwise a throwaway one
 * (the test services' embedded Postgres). It lives in tools/ because it starts a test service: apps
 * never import tools (docs/architecture.md#layer-rules); the generation itself is the migrator's.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { generatedFileName, foldersWithTypes, typesForFolder } from "../../apps/migrator/src/codegen/schema-types";
import { MigratorError } from "../../apps/migrator/src/errors";
import { withScratchDatabase } from "../../apps/migrator/src/scratch-database";
import { startPostgres } from "../test-services/postgres";

async function main(names: string[]): Promise<void> {
  const all = await foldersWithTypes();
  const unknown = names.filter((name) => !all.some((folder) => path.basename(folder) === name));
  if (unknown.length > 0) throw new MigratorError("usage", `no database folder named ${unknown.join(", ")}`, `choose from: ${all.map((folder) => path.basename(folder)).join(", ")}`);
  const folders = names.length === 0 ? all : all.filter((folder) => names.includes(path.basename(folder)));
  const server = await startPostgres();
  try {
    for (const folder of folders) {
      const source = await withScratchDatabase(server.url, "types", (url) => typesForFolder(folder, url));
      await writeFile(path.join(folder, generatedFileName), source);
      process.stderr.write(`wrote ${path.relative(process.cwd(), path.join(folder, generatedFileName))}\n`);
    }
  } finally {
    await server.stop();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof MigratorError ? error.describe() : (error as Error).message}\n`);
  process.exitCode = error instanceof MigratorError ? error.exitCode : 1;
});
