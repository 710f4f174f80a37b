/**
 * The command line: `migrator <command> [flags]`, with the environment as the Job contract
 * (DATABASE_URL, MIGRATOR_DATABASE, MIGRATOR_LOCK_TIMEOUT, LOG_FORMAT). Every mistake is a usage
 * error naming the flag, what was found and what is expected.
 */
import { parseArgs } from "node:util";
import { MigratorError } from "../errors";
import { type FolderChoice } from "../locate";
import { type MigrateCommand, commands as migrateCommands } from "../pending";

export const usage = `Usage: migrator <command> [flags]

Commands:
  status                 what is applied and what is pending
  plan <phase>           print the SQL a phase would run (dry run); phase: pre | post | rollback-post
  pre                    apply pending pre (expand) steps: before a deploy
  post                   apply pending post (contract) steps: after the traffic switch
  rollback-post          undo the latest post run (or every post above --to)
  partitions             create/drop partitions of the tables recorded by timePartitions.manage
  job <command> [flags]  run one of the commands above as a one-off Kubernetes Job and stream its log
                         (see \`migrator job --help\`)

Flags:
  --database <name>      a folder under migrations/ (env MIGRATOR_DATABASE)
  --dir <folder>         or any migrations folder laid out the same way
  --database-url <url>   the database (env DATABASE_URL; prefer the env: flags show in \`ps\`)
  --lock-timeout <s>     seconds to wait for another runner's lock (env MIGRATOR_LOCK_TIMEOUT, default 60)
  --to <version>         rollback-post: undo every applied post step above this version
  --json                 status: print JSON
  --log-format <f>       plain (default) or json: the platform's log-line schema (env LOG_FORMAT)
  -h, --help             this text

Exit codes: 0 done, 1 unexpected error, 2 bad command line, 3 invalid migrations folder,
4 cannot connect to the database, 5 history disagrees with the folder (e.g. an edited applied
step), 6 lock timeout, 7 a step failed (rolled back), 8 Kubernetes error, 9 the Job failed.
`;

export type LogFormat = "plain" | "json";

interface Common {
  readonly logFormat: LogFormat;
}

export type CliCommand =
  | ({ readonly name: "help" } & Common)
  | ({ readonly name: "status"; readonly databaseUrl: string; readonly folder: FolderChoice; readonly json: boolean } & Common)
  | ({ readonly name: "plan"; readonly phase: MigrateCommand; readonly databaseUrl: string; readonly folder: FolderChoice; readonly rollbackTo?: number } & Common)
  | ({
      readonly name: MigrateCommand;
      readonly databaseUrl: string;
      readonly folder: FolderChoice;
      readonly lockTimeoutMs: number;
      readonly rollbackTo?: number;
    } & Common)
  | ({ readonly name: "partitions"; readonly databaseUrl: string } & Common)
  | ({ readonly name: "job"; readonly args: string[] } & Common);

const flagSpec = {
  database: { type: "string" },
  dir: { type: "string" },
  "database-url": { type: "string" },
  "lock-timeout": { type: "string" },
  to: { type: "string" },
  json: { type: "boolean" },
  "log-format": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const folderFlags = ["database", "dir", "database-url"];
/** Which flags each command takes; any other is a mistake worth reporting. */
const flagsOf: Partial<Record<string, readonly string[]>> = {
  status: [...folderFlags, "json"],
  plan: [...folderFlags, "to"],
  pre: [...folderFlags, "lock-timeout"],
  post: [...folderFlags, "lock-timeout"],
  "rollback-post": [...folderFlags, "lock-timeout", "to"],
  partitions: ["database-url"],
};

const usageError = (message: string, hint = "run `migrator --help` for the commands and flags") => new MigratorError("usage", message, hint);

function positiveNumber(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw usageError(`${flag} must be a positive number of seconds, found "${raw}"`);
  return value;
}

function version(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,4}$/.test(raw)) throw usageError(`--to must be a version number such as 3 or 0003, found "${raw}"`);
  return Number(raw);
}

function logFormat(raw: string | undefined): LogFormat {
  const value = raw ?? "plain";
  if (value !== "plain" && value !== "json") throw usageError(`--log-format (or LOG_FORMAT) must be plain or json (as for every Armature app), found "${value}"`);
  return value;
}

function databaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = flag ?? env["DATABASE_URL"];
  if (!url) throw usageError("no database URL", "set DATABASE_URL (or pass --database-url)");
  return url;
}

function folder(values: { database?: string | undefined; dir?: string | undefined }, env: NodeJS.ProcessEnv): FolderChoice {
  if (values.database !== undefined && values.dir !== undefined) throw usageError("--database and --dir both given; pass one");
  if (values.dir !== undefined) return { directory: values.dir };
  const database = values.database ?? env["MIGRATOR_DATABASE"];
  if (database === undefined) throw usageError("no database folder", "pass --database <name> (a folder under migrations/), --dir <folder>, or set MIGRATOR_DATABASE");
  return { database };
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({ args, options: flagSpec, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message.split("\n")[0] ?? String(error));
  }
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  const [name, ...rest] = argv;
  const format = () => logFormat(env["LOG_FORMAT"]);
  if (name === undefined || name === "help" || name === "--help" || name === "-h") return { name: "help", logFormat: format() };
  if (name === "job") return { name: "job", args: rest, logFormat: format() };
  const { values, positionals } = parseFlags(rest);
  const common = { logFormat: logFormat(values["log-format"] ?? env["LOG_FORMAT"]) };
  if (values.help) return { name: "help", ...common };
  const expectedPositionals = name === "plan" ? 1 : 0;
  if (positionals.length !== expectedPositionals) {
    const extra = positionals.slice(expectedPositionals);
    if (name === "plan" && positionals.length === 0) throw usageError("plan needs a phase: migrator plan pre | post | rollback-post");
    throw usageError(`unexpected argument${extra.length === 1 ? "" : "s"} ${extra.map((arg) => `"${arg}"`).join(" ")} after ${name}`);
  }
  const allowed = flagsOf[name];
  if (!allowed) throw usageError(`unknown command "${name}"`);
  const misplaced = Object.keys(values).find((flag) => !allowed.includes(flag) && flag !== "log-format");
  if (misplaced) throw usageError(`--${misplaced} does not apply to ${name}`);
  const rollbackTo = version(values.to);
  if (rollbackTo !== undefined && name === "plan" && positionals[0] !== "rollback-post") throw usageError("--to applies only to rollback-post");
  const url = () => databaseUrl(values["database-url"], env);
  switch (name) {
    case "status":
      return { name, databaseUrl: url(), folder: folder(values, env), json: values.json ?? false, ...common };
    case "plan": {
      const phase = positionals[0] as MigrateCommand;
      if (!migrateCommands.includes(phase)) throw usageError(`plan: unknown phase "${phase}"; use pre, post or rollback-post`);
      return { name, phase, databaseUrl: url(), folder: folder(values, env), ...(rollbackTo !== undefined && { rollbackTo }), ...common };
    }
    case "pre":
    case "post":
    case "rollback-post":
      return {
        name,
        databaseUrl: url(),
        folder: folder(values, env),
        lockTimeoutMs: positiveNumber("--lock-timeout", values["lock-timeout"] ?? env["MIGRATOR_LOCK_TIMEOUT"], 60) * 1000,
        ...(rollbackTo !== undefined && { rollbackTo }),
        ...common,
      };
    case "partitions":
      return { name, databaseUrl: url(), ...common };
    default:
      throw usageError(`unknown command "${name}"`);
  }
}
