/** The plan's command line: `npm run plan -- <stack> [--json] [--config-file F] [--program M]`. */
import { parseArgs } from "node:util";
import { UsageError } from "./errors";

export const USAGE = "usage: npm run plan -- <stack> [--json] [--config-file <Pulumi.x.yaml>] [--program <module.ts>]";

export interface PlanArgs {
  readonly stack: string;
  readonly json: boolean;
  readonly configFile?: string;
  readonly programModule?: string;
  readonly help: boolean;
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        "config-file": { type: "string" },
        program: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${firstSentence((error as Error).message)}; ${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { stack: "", json: false, help: true };
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? `missing the stack name; ${USAGE}` : `expected one stack name, found ${positionals.join(" ")}; ${USAGE}`);
  }
  return {
    stack: positionals[0]!,
    json: values.json,
    help: false,
    ...(values["config-file"] ? { configFile: values["config-file"] } : {}),
    ...(values.program ? { programModule: values.program } : {}),
  };
}

/** Node's parseArgs messages go on to explain `--`; the first sentence is the useful part. */
function firstSentence(message: string): string {
  return message.split(/\.\s/)[0] ?? message;
}
