/**
 * `npm run drift -- <stack> [--preview-file F] [--notify] [--json]`: scheduled drift detection.
 * Runs `pulumi preview --refresh --json` for the stack (or reads a saved one), reports resources
 * whose real state differs from the program and, with --notify, posts the report to the webhook in
 * ARMATURE_ALERT_WEBHOOK_URL (CI reads it from the stack's secret armature:alertWebhookUrl).
 * Exit codes: 0 no drift, 4 drift found, 1 the check failed, 2 bad command line.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EXIT, UsageError, exitAfterFlush } from "../plan/errors";
import { REPOSITORY_ROOT } from "../repository-root";
import { pulumiCli } from "../pulumi-cli/pulumi-cli";
import { type PreviewDigest, driftReport, renderDriftReport } from "./drift-report";
import { postToWebhook } from "./notify";

const USAGE = "usage: npm run drift -- <stack> [--preview-file <preview.json>] [--notify] [--json]";
const log = (line: string) => process.stderr.write(`${line}\n`);

function parse(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { "preview-file": { type: "string" }, notify: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]}; ${USAGE}`);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one stack name; ${USAGE}`);
  const webhook = process.env["ARMATURE_ALERT_WEBHOOK_URL"];
  if (parsed.values.notify && !webhook) {
    throw new UsageError("--notify needs ARMATURE_ALERT_WEBHOOK_URL (in CI: the stack's secret armature:alertWebhookUrl)");
  }
  return { stack: parsed.positionals[0]!, previewFile: parsed.values["preview-file"], notify: parsed.values.notify, json: parsed.values.json, webhook };
}

async function readPreview(stack: string, previewFile: string | undefined): Promise<PreviewDigest> {
  let text: string;
  if (previewFile) {
    try {
      text = readFileSync(previewFile, "utf8");
    } catch {
      throw new UsageError(`cannot read the preview file ${previewFile}`);
    }
  } else {
    const cli = pulumiCli({ cwd: REPOSITORY_ROOT, dryRun: false, log });
    text = await cli.read(["preview", "--refresh", "--json", "--stack", stack]);
  }
  try {
    return JSON.parse(text) as PreviewDigest;
  } catch {
    throw new Error(`${previewFile ?? "pulumi preview"} did not give a JSON preview document`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  const report = driftReport(args.stack, await readPreview(args.stack, args.previewFile));
  const text = renderDriftReport(report);
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\n`);
  const drifted = report.errors.length === 0 && report.drifted.length > 0;
  if (args.notify && args.webhook && (drifted || report.errors.length > 0)) await postToWebhook(args.webhook, text);
  if (report.errors.length > 0) return EXIT.configOrProgram;
  return drifted ? EXIT.driftFound : EXIT.ok;
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  log(`drift: ${(error as Error).message}`);
  exitAfterFlush(error instanceof UsageError ? EXIT.usage : EXIT.configOrProgram);
});
