/**
 * SQL checks done before anything runs, with the real PostgreSQL parser (libpg-query): syntax errors
 * with line and column, statements the runner cannot wrap in a transaction, and the split of a
 * non-transactional step into statements (each runs on its own, as Postgres requires for
 * CREATE INDEX CONCURRENTLY and friends).
 */
import { loadModule, parseSync, type Node } from "libpg-query";

export interface SqlStatement {
  readonly text: string;
  /** Byte offset of the statement in the file. */
  readonly start: number;
}

export interface ParsedSql {
  /** The statements, in order (empty when the file holds only comments). */
  readonly statements: SqlStatement[];
  /** What is wrong with the file, each as `line:column: message`. */
  readonly problems: string[];
}

let parserReady: Promise<void> | undefined;

/** Loads the parser's WebAssembly module once. */
export function loadSqlParser(): Promise<void> {
  parserReady ??= loadModule();
  return parserReady;
}

/** Line and column (1-based) of a byte offset, as parser positions are bytes into the UTF-8 text. */
export function lineAndColumn(bytes: Buffer, byteOffset: number): string {
  const before = bytes.subarray(0, Math.max(0, byteOffset)).toString("utf8");
  const lines = before.split("\n");
  return `${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`;
}

/** Statements Postgres refuses inside a transaction block, by AST node. */
function needsNoTransaction(node: Node): string | undefined {
  if ("IndexStmt" in node && node.IndexStmt.concurrent) return "CREATE INDEX CONCURRENTLY";
  if ("DropStmt" in node && node.DropStmt.concurrent) return "DROP INDEX CONCURRENTLY";
  if ("ReindexStmt" in node && node.ReindexStmt.params?.some((p) => "DefElem" in p && p.DefElem.defname === "concurrently")) return "REINDEX CONCURRENTLY";
  if ("VacuumStmt" in node) return node.VacuumStmt.is_vacuumcmd ? "VACUUM" : undefined;
  if ("CreatedbStmt" in node) return "CREATE DATABASE";
  if ("AlterSystemStmt" in node) return "ALTER SYSTEM";
  return undefined;
}

export function parseStepSql(text: string, transactional: boolean): ParsedSql {
  const bytes = Buffer.from(text, "utf8");
  let stmts;
  try {
    stmts = parseSync(text).stmts ?? [];
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const at = details?.cursorPosition === undefined ? "1:1" : lineAndColumn(bytes, details.cursorPosition);
    return { statements: [], problems: [`${at}: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  const statements = stmts.map((raw) => {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const stmt = raw.stmt;
    if (stmt && "TransactionStmt" in stmt) {
      problems.push(
        `${lineAndColumn(bytes, start)}: transaction control (BEGIN/COMMIT/ROLLBACK/SAVEPOINT) is not allowed in a step; ` +
          "the runner wraps each step in its own transaction (or none, with `-- armature:no-transaction`)",
      );
    }
    const refused = stmt && transactional ? needsNoTransaction(stmt) : undefined;
    if (refused) {
      problems.push(
        `${lineAndColumn(bytes, start)}: ${refused} cannot run inside a transaction; ` +
          "put it in a step whose first line is `-- armature:no-transaction`",
      );
    }
    return { text: bytes.subarray(start, end).toString("utf8"), start };
  });
  return { statements, problems };
}
