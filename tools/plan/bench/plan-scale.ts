/**
 * Plan-scale benchmark: the offline plan (`npm run plan -- dev`) of Pulumi.dev.yaml with 10, 100,
 * 300 and 1,000 tenants, each in a child process, with its wall time, CPU time and peak memory
 * (the child's own maxRSS). Baseline, measured in the same run: the plan of the committed dev
 * stack as it is (its own tenants). Printed per size: resources planned, the cost above the
 * baseline per tenant, and the ratio of that marginal CPU cost to the first size of at least 50
 * tenants (1.0 is linear; above 1, each tenant costs more the more there are). Wall time depends
 * on what else the machine runs; CPU time (the child's user + system) is the steadier figure.
 * Figures are printed, never asserted. The plans run with the plan's V8 flags (node-flags.ts);
 * --v8-defaults measures them without, for the A/B of those flags.
 *
 *   npm run bench:plan [-- --sizes 10,100,300,1000 --runs 1 --v8-defaults]
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { REPOSITORY_ROOT } from "../../repository-root";
import { PLAN_NODE_FLAGS } from "../node-flags";
import { BASE_STACK_FILE, scaledStackConfig, tenantCount } from "./scaled-config";

const CLI = path.join(REPOSITORY_ROOT, "tools/plan/cli.ts");
const REPORT_USAGE = pathToFileURL(path.join(__dirname, "report-usage.ts")).href;

interface Measurement {
  readonly tenants: number;
  readonly resources: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
}

function usage(problem: string): never {
  process.stderr.write(`bench:plan: ${problem}; usage: npm run bench:plan [-- --sizes 10,100,300,1000 --runs 1 --v8-defaults]\n`);
  process.exit(2);
}

function parseOptions(): { sizes: number[]; runs: number; nodeFlags: readonly string[] } {
  let values;
  try {
    ({ values } = parseArgs({ options: { sizes: { type: "string", default: "10,100,300,1000" }, runs: { type: "string", default: "1" }, "v8-defaults": { type: "boolean", default: false } }, strict: true }));
  } catch (error) {
    usage((error as Error).message.split(/\.\s/)[0]!);
  }
  const sizes = values.sizes.split(",").map((size) => Number(size.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) usage(`--sizes: found "${values.sizes}", expected whole numbers of at least 1, comma-separated`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) usage(`--runs: found "${values.runs}", expected a whole number of at least 1`);
  return { sizes, runs, nodeFlags: values["v8-defaults"] ? [] : PLAN_NODE_FLAGS };
}

/** Runs `npm run plan -- dev --config-file <file>` in a child process and measures it. */
async function measurePlan(configFile: string, tenants: number, workDir: string, nodeFlags: readonly string[]): Promise<Measurement> {
  const usageFile = path.join(workDir, `usage-${tenants}.json`);
  const started = performance.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeFlags, "--import", "tsx", "--import", REPORT_USAGE, CLI, "dev", "--config-file", configFile],
      { cwd: REPOSITORY_ROOT, env: { ...process.env, ARMATURE_PLAN_USAGE_FILE: usageFile }, maxBuffer: 1024 * 1024 * 1024 },
      (error, out, stderr) => (error ? reject(new Error(`the plan of ${tenants} tenant(s) failed (${error.code ?? error.signal}): ${stderr.trim().split("\n")[0]}`)) : resolve(out)),
    );
  });
  const wallMs = performance.now() - started;
  const measured = JSON.parse(readFileSync(usageFile, "utf8")) as { maxRssKb: number; cpuMs: number };
  const resources = /^Resources \((\d+)\)$/m.exec(stdout)?.[1];
  if (resources === undefined) throw new Error(`the plan of ${tenants} tenant(s) printed no "Resources (<n>)" line`);
  return { tenants, resources: Number(resources), wallMs, cpuMs: measured.cpuMs, maxRssMb: measured.maxRssKb / 1024 };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const megabytes = (mb: number) => `${Math.round(mb)} MB`;

async function main(): Promise<void> {
  const { sizes, runs, nodeFlags } = parseOptions();
  const baseText = readFileSync(BASE_STACK_FILE, "utf8");
  const workDir = mkdtempSync(path.join(tmpdir(), "armature-plan-scale-"));
  try {
    const baseTenants = tenantCount(baseText);
    process.stdout.write(`Plan scale: Pulumi.dev.yaml with N tenants, one child process per plan (${runs} run(s) each), node ${nodeFlags.length > 0 ? nodeFlags.join(" ") : "with V8's default flags"}\n`);
    for (let run = 1; run <= runs; run++) {
      const baseline = await measurePlan(BASE_STACK_FILE, baseTenants, workDir, nodeFlags);
      const rows = [baseline];
      for (const size of sizes) {
        const file = path.join(workDir, `Pulumi.tenants-${size}.yaml`);
        writeFileSync(file, scaledStackConfig(size, baseText));
        rows.push(await measurePlan(file, size, workDir, nodeFlags));
      }
      printRun(run, baseline, rows.slice(1));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function printRun(run: number, baseline: Measurement, rows: readonly Measurement[]): void {
  const marginal = (row: Measurement, of: (m: Measurement) => number) => (of(row) - of(baseline)) / Math.max(row.tenants - baseline.tenants, 1);
  // The reference for "linear": the first size of at least 50 tenants, whose marginal cost is not
  // swamped by the noise of two small measurements (or else the smallest size).
  const reference = rows.find((row) => row.tenants - baseline.tenants >= 50) ?? rows[0];
  const lines = [
    `\nrun ${run}`,
    `  ${"tenants".padStart(7)}  ${"resources".padStart(9)}  ${"wall".padStart(8)}  ${"cpu".padStart(8)}  ${"peak RSS".padStart(9)}  ${"cpu/tenant".padStart(10)}  ${"RSS/tenant".padStart(10)}  ${"vs linear".padStart(9)}`,
    `  ${String(baseline.tenants).padStart(7)}  ${String(baseline.resources).padStart(9)}  ${seconds(baseline.wallMs).padStart(8)}  ${seconds(baseline.cpuMs).padStart(8)}  ${megabytes(baseline.maxRssMb).padStart(9)}  ${"baseline".padStart(10)}`,
    ...rows.map((row) => {
      const cpuPerTenant = marginal(row, (m) => m.cpuMs);
      const ratio = reference && reference !== row ? cpuPerTenant / marginal(reference, (m) => m.cpuMs) : 1;
      return `  ${String(row.tenants).padStart(7)}  ${String(row.resources).padStart(9)}  ${seconds(row.wallMs).padStart(8)}  ${seconds(row.cpuMs).padStart(8)}  ${megabytes(row.maxRssMb).padStart(9)}  ${`${Math.round(cpuPerTenant)} ms`.padStart(10)}  ${`${marginal(row, (m) => m.maxRssMb).toFixed(2)} MB`.padStart(10)}  ${ratio.toFixed(2).padStart(9)}`;
    }),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:plan: ${(error as Error).message}\n`);
  process.exit(1);
});
