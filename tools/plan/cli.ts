/**
 * `npm run plan -- <stack>`: the offline plan. Prints the resource tree (or `--json`, the plan
 * document) and exits 0; on bad input it prints one line per problem on stderr and exits non-zero
 * (see EXIT in errors.ts). Stack traces are shown only with ARMATURE_DEBUG=1.
 */
import { ConfigError, formatProblem } from "../../stacks/config/problems";
import { USAGE, parsePlanArgs } from "./args";
import { EXIT, StackFileError, UsageError, exitAfterFlush } from "./errors";
import { renderText } from "./render-text";
import { runPlan } from "./run-plan";

async function main(argv: readonly string[]): Promise<number> {
  const args = parsePlanArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const { document, origin } = await runPlan({
    stack: args.stack,
    ...(args.configFile ? { configFile: args.configFile } : {}),
    ...(args.programModule ? { programModule: args.programModule } : {}),
  });
  process.stdout.write(args.json ? `${JSON.stringify(document, null, 2)}\n` : `${renderText(document, origin)}\n`);
  const mandatory = document.policies.violations.filter((violation) => violation.enforcement === "mandatory");
  if (mandatory.length > 0) {
    process.stderr.write(`plan failed: ${mandatory.length} mandatory policy violation(s)\n`);
    return EXIT.mandatoryViolation;
  }
  return EXIT.ok;
}

function report(error: unknown): number {
  if (process.env["ARMATURE_DEBUG"] === "1") process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  if (error instanceof UsageError) {
    process.stderr.write(`plan: ${error.message}\n`);
    return EXIT.usage;
  }
  if (ConfigError.isInstance(error)) {
    for (const problem of error.problems) process.stderr.write(`config error: ${formatProblem(problem)}\n`);
    return EXIT.configOrProgram;
  }
  if (error instanceof StackFileError) {
    process.stderr.write(`config error: ${error.message}\n`);
    return EXIT.configOrProgram;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`program error: ${message.split("\n")[0]}\n`);
  return EXIT.configOrProgram;
}

// Resource registrations fail asynchronously; report those the same way as thrown errors.
process.on("unhandledRejection", (error) => exitAfterFlush(report(error)));

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => exitAfterFlush(report(error)));
