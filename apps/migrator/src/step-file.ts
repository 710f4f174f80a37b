/**
 * One step of a migration version (`pre`, `post` or `rollback-post`), read and checked: its text,
 * its checksum (what the history compares), whether it runs in a transaction, and for SQL its
 * statements. TypeScript steps export a default function taking a StepContext.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type SqlStatement, parseStepSql } from "./sql-text";
import type { StepContext } from "./step-context";
import { ensureTypeScriptLoader } from "./typescript-loader";

export const stepKinds = ["pre", "post", "rollback-post"] as const;
export type StepKind = (typeof stepKinds)[number];

export const noTransactionDirective = "-- armature:no-transaction";

export type StepFunction = (context: StepContext) => Promise<void>;

interface StepBase {
  readonly kind: StepKind;
  /** Absolute path of the file. */
  readonly file: string;
  /** `<NNNN>_<slug>/<kind>.<ext>`, how messages and plans name the step. */
  readonly label: string;
  /** `sha256:<hex>` of the text with line endings normalised to LF. */
  readonly checksum: string;
  readonly transactional: boolean;
}

export interface SqlStep extends StepBase {
  readonly language: "sql";
  readonly text: string;
  readonly statements: readonly SqlStatement[];
}

export interface TypeScriptStep extends StepBase {
  readonly language: "ts";
  readonly run: StepFunction;
}

export type Step = SqlStep | TypeScriptStep;

export type StepResult = { step: Step; problems?: never } | { step?: never; problems: string[] };

export function checksumOf(text: string): string {
  return `sha256:${createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex")}`;
}

/** Directive lines other than a first-line `-- armature:no-transaction` are mistakes: name them. */
function directiveProblems(lines: readonly string[]): string[] {
  return lines.flatMap((line, index) => {
    const trimmed = line.trim();
    if (!/^--\s*armature:/i.test(trimmed)) return [];
    if (trimmed === noTransactionDirective && index === 0) return [];
    if (trimmed === noTransactionDirective) return [`${index + 1}:1: \`${noTransactionDirective}\` must be the first line of the file`];
    return [`${index + 1}:1: unknown directive \`${trimmed}\`; the only directive is \`${noTransactionDirective}\` on the first line`];
  });
}

function readSqlStep(base: Omit<StepBase, "transactional" | "checksum">, text: string): StepResult {
  const lines = text.split(/\r?\n/);
  const transactional = lines[0]?.trim() !== noTransactionDirective;
  const parsed = parseStepSql(text, transactional);
  const problems = [...directiveProblems(lines), ...parsed.problems];
  if (problems.length > 0) return { problems };
  return { step: { ...base, language: "sql", text, statements: parsed.statements, transactional, checksum: checksumOf(text) } };
}

async function readTypeScriptStep(base: Omit<StepBase, "transactional" | "checksum">, text: string): Promise<StepResult> {
  let loaded: { default?: unknown; transactional?: unknown };
  try {
    await ensureTypeScriptLoader();
    loaded = (await import(pathToFileURL(base.file).href)) as typeof loaded;
  } catch (error) {
    return { problems: [`cannot be loaded: ${(error as Error).message.split("\n")[0]}`] };
  }
  // CommonJS interop may nest the module's exports one level down.
  const exports = typeof loaded.default === "object" && loaded.default !== null ? (loaded.default as typeof loaded) : loaded;
  if (typeof exports.default !== "function") {
    return { problems: ["must `export default async function (context: StepContext) { ... }`"] };
  }
  if (exports.transactional !== undefined && typeof exports.transactional !== "boolean") {
    return { problems: ["`export const transactional` must be true or false"] };
  }
  return {
    step: {
      ...base,
      language: "ts",
      run: exports.default as StepFunction,
      transactional: exports.transactional !== false,
      checksum: checksumOf(text),
    },
  };
}

/** Reads and checks one step file; problems are returned (prefixed by the caller), not thrown. */
export async function readStep(kind: StepKind, file: string, label: string): Promise<StepResult> {
  const bytes = await readFile(file);
  const text = bytes.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(bytes)) return { problems: ["is not valid UTF-8"] };
  if (text.trim() === "") return { problems: ["is empty; a step must do something (a comment alone is fine if it says why)"] };
  const base = { kind, file, label };
  return path.extname(file) === ".ts" ? await readTypeScriptStep(base, text) : readSqlStep(base, text);
}
