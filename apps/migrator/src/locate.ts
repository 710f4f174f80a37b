/** Where migrations live: `migrations/<database>/` under the repository (or MIGRATIONS_ROOT in the image). */
import path from "node:path";
import { MigratorError } from "./errors";
import { databaseNamePattern } from "./layout";

export function migrationsRoot(): string {
  return process.env["MIGRATIONS_ROOT"] ?? path.resolve(__dirname, "../../../migrations");
}

export interface FolderChoice {
  /** A database folder name under the migrations root, e.g. "flags". */
  readonly database?: string;
  /** Or an explicit folder (fixtures, other layouts); its name is the database's name. */
  readonly directory?: string;
}

export function resolveDirectory(choice: FolderChoice): string {
  if (choice.directory !== undefined && choice.database !== undefined) {
    throw new MigratorError("usage", "give either a database name or a migrations folder, not both");
  }
  if (choice.directory !== undefined) return path.resolve(choice.directory);
  if (choice.database === undefined) throw new MigratorError("usage", "no database given", "pass --database <name> (a folder under migrations/) or --dir <folder>");
  if (!databaseNamePattern.test(choice.database)) {
    throw new MigratorError("usage", `"${choice.database}" is not a database name`, "use the name of a folder under migrations/, e.g. flags");
  }
  return path.join(migrationsRoot(), choice.database);
}
