/**
 * `npm run drift -- <stack> [--refresh-file F] [--notify] [--json]`: scheduled drift detection.
 * Runs the engine's refresh diff, `pulumi refresh --preview-only --json` (or reads a saved one),
 * reports the resources changed behind Pulumi's back and, with --notify, posts the report to the
 * webhook in ARMATURE_ALERT_WEBHOOK_URL (the nightly workflow fills it from the repository secret of that name).
 * A program change that was never applied is not drift and is left out: the refresh does not run
 * the program. Exit codes (tools/drift/README.md): 0 no drift, 4 drift found, 1 the check failed,
 * 2 bad command line or no such stack.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EXIT, UsageError, exitAfterFlush } from "../plan/errors";
import { REPOSITORY_ROOT } from "../repository-root";
import { type PulumiCli, PulumiCliError, pulumiCli } from "../pulumi-cli/pulumi-cli";
import { type RefreshDigest, driftReport, renderCheckFailure, renderDriftReport } from "./drift-report";
import { postToWebhook } from "./notify";

const USAGE = "usage: npm run drift -- <stack> [--refresh-file <refresh.json>] [--notify] [--json]";
const log = (line: string) => process.stderr.write(`${line}\n`);
/** Pulumi's rule for stack names. */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

function parse(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { "refresh-file": { type: "string" }, notify: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]}; ${USAGE}`);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one stack name, found ${parsed.positionals.length ? parsed.positionals.join(" ") : "none"}; ${USAGE}`);
  const stack = parsed.positionals[0]!;
  if (!STACK_NAME.test(stack)) throw new UsageError(`bad stack name ${JSON.stringify(stack)}: use letters, digits, '-', '_' or '.' (for example dev, prod, pr-42)`);
  const webhook = process.env["ARMATURE_ALERT_WEBHOOK_URL"];
  if (parsed.values.notify && !webhook) {
    throw new UsageError("--notify needs ARMATURE_ALERT_WEBHOOK_URL: set it to the webhook URL (in CI, from the repository secret ARMATURE_ALERT_WEBHOOK_URL)");
  }
  return { stack, refreshFile: parsed.values["refresh-file"], notify: parsed.values.notify, json: parsed.values.json, webhook };
}

async function assertStackExists(cli: PulumiCli, stack: string): Promise<void> {
  const names = (JSON.parse(await cli.read(["stack", "ls", "--json"])) as { name: string }[]).map((summary) => summary.name.split("/").pop());
  if (!names.includes(stack)) {
    throw new UsageError(`no stack named ${JSON.stringify(stack)} in this project's backend (stacks: ${names.join(", ") || "none"}); check the name and PULUMI_BACKEND_URL / \`pulumi login\``);
  }
}

async function readRefreshDiff(stack: string, refreshFile: string | undefined): Promise<string> {
  if (refreshFile) {
    try {
      return readFileSync(refreshFile, "utf8");
    } catch {
      throw new UsageError(`cannot read the refresh file ${refreshFile}: save one with \`pulumi refresh --preview-only --json --stack ${stack} > refresh.json\``);
    }
  }
  const cli = pulumiCli({ cwd: REPOSITORY_ROOT, dryRun: false, log });
  await assertStackExists(cli, stack);
  return cli.read(["refresh", "--preview-only", "--json", "--stack", stack]);
}

function parseDigest(text: string, source: string): RefreshDigest {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error(`${source} did not give a JSON document; expected the output of \`pulumi refresh --preview-only --json\``);
  }
  if (typeof document !== "object" || document === null || !Array.isArray((document as RefreshDigest).steps)) {
    throw new Error(`${source} has no "steps" list; expected the output of \`pulumi refresh --preview-only --json\``);
  }
  return document;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  let text: string;
  try {
    text = await readRefreshDiff(args.stack, args.refreshFile);
  } catch (error) {
    // A nightly check that cannot run must be heard as well as one that finds drift.
    if (error instanceof PulumiCliError && args.notify && args.webhook) await postToWebhook(args.webhook, renderCheckFailure(args.stack, [error.message]));
    throw error;
  }
  const report = driftReport(args.stack, parseDigest(text, args.refreshFile ?? "pulumi refresh --preview-only"));
  const rendered = renderDriftReport(report);
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${rendered}\n`);
  const drifted = report.errors.length === 0 && report.drifted.length > 0;
  if (args.notify && args.webhook && (drifted || report.errors.length > 0)) await postToWebhook(args.webhook, rendered);
  if (report.errors.length > 0) return EXIT.configOrProgram;
  return drifted ? EXIT.driftFound : EXIT.ok;
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  log(`drift: ${(error as Error).message}`);
  exitAfterFlush(error instanceof UsageError ? EXIT.usage : EXIT.configOrProgram);
});
