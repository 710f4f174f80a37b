/**
 * `migrator job <command> ...`: runs a migrator command ad hoc in the cluster as a one-off Job, with
 * the image's migrations and the database URL from a Secret, and streams its log. `--dry-run`
 * prints the Job manifest instead (for review or GitOps). The exit code is the container's.
 */
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { MigratorError, exitCodes } from "../errors";
import { databaseNamePattern } from "../layout";
import { type SecretRef, migratorJob } from "../kube/job-manifest";
import { loadKubeConfig, runJob } from "../kube/run-job";
import { parseCommandLine } from "./options";
import type { Output, Reporter } from "./report";

export const jobUsage = `Usage: migrator job <command> [command flags] --namespace <ns> --image <image> --database <name>
                    --database-url-secret <secret>[:<key>] [flags]

Runs \`migrator <command>\` (status, plan <phase>, pre, post, rollback-post, partitions) in the
cluster as a one-off Job and streams its log. The exit code is the container's.

  --namespace <ns>                 where the Job runs (required)
  --image <image>                  the migrator image, pinned by tag or digest (required)
  --database <name>                the migrations folder in the image (required, or MIGRATOR_DATABASE)
  --database-url-secret <s>[:<k>]  the Secret key holding the database URL (default key DATABASE_URL)
  --service-account <name>         the pod's service account (e.g. one bound by Workload Identity)
  --context <name>                 kubeconfig context (default: the current one)
  --kubeconfig <file>              kubeconfig file (default: KUBECONFIG or ~/.kube/config)
  --timeout <s>                    give up and let Kubernetes kill the Job after this (default 1800)
  --dry-run                        print the Job manifest as YAML; touch no cluster
  command flags                    --lock-timeout, --to, --json: passed to the command
`;

const jobFlags = {
  namespace: { type: "string" },
  image: { type: "string" },
  database: { type: "string" },
  "database-url-secret": { type: "string" },
  "service-account": { type: "string" },
  context: { type: "string" },
  kubeconfig: { type: "string" },
  timeout: { type: "string" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  // Passed through to the command in the container.
  "lock-timeout": { type: "string" },
  to: { type: "string" },
  json: { type: "boolean" },
} as const;

const usageError = (message: string, hint = "run `migrator job --help`") => new MigratorError("usage", message, hint);
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function required(values: Record<string, unknown>, flag: string, fallback?: string): string {
  const value = (values[flag] as string | undefined) ?? fallback;
  if (!value) throw usageError(`--${flag} is required`);
  return value;
}

function secretRef(raw: string): SecretRef {
  const [name = "", key = "DATABASE_URL", ...rest] = raw.split(":");
  if (!dnsLabel.test(name) || rest.length > 0 || !/^[-._a-zA-Z0-9]+$/.test(key)) {
    throw usageError(`--database-url-secret must be <secret name>[:<key>], found "${raw}"`);
  }
  return { name, key };
}

function pinnedImage(image: string): string {
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  if (!image.includes("@sha256:") && (tag === undefined || tag === "latest")) {
    throw usageError(`--image must be pinned by tag or digest (not latest), found "${image}"`, "e.g. europe-docker.pkg.dev/p/armature/migrator:1.4.2");
  }
  return image;
}

/** The container's command line: the command and its own flags, checked like a local run. */
function containerArgs(positionals: string[], values: Record<string, unknown>, database: string): string[] {
  const args = [...positionals];
  if (typeof values["lock-timeout"] === "string") args.push("--lock-timeout", values["lock-timeout"]);
  if (typeof values["to"] === "string") args.push("--to", values["to"]);
  if (values["json"] === true) args.push("--json");
  if (args[0] === undefined) throw usageError("no command to run; e.g. `migrator job pre ...`");
  if (args[0] === "job" || args[0] === "help") throw usageError(`"${args[0]}" cannot run as a Job`);
  parseCommandLine(args, { DATABASE_URL: "postgres://checked-in-the-pod/x", MIGRATOR_DATABASE: database });
  return args;
}

export async function runJobCommand(argv: readonly string[], output: Output, log: Reporter): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: jobFlags, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message.split("\n")[0] ?? String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.stdout(jobUsage);
    return exitCodes.ok;
  }
  const database = required(values, "database", process.env["MIGRATOR_DATABASE"]);
  if (!databaseNamePattern.test(database)) throw usageError(`--database "${database}" is not a database folder name`);
  const namespace = required(values, "namespace");
  if (!dnsLabel.test(namespace)) throw usageError(`--namespace "${namespace}" is not a valid namespace name`);
  const timeout = Number(values.timeout ?? 1800);
  if (!Number.isInteger(timeout) || timeout <= 0) throw usageError(`--timeout must be a whole number of seconds, found "${values.timeout}"`);
  const job = migratorJob({
    namespace,
    image: pinnedImage(required(values, "image")),
    database,
    args: containerArgs(positionals, values, database),
    databaseUrlSecret: secretRef(required(values, "database-url-secret")),
    deadlineSeconds: timeout,
    ...(values["service-account"] && { serviceAccountName: values["service-account"] }),
  });
  if (values["dry-run"]) {
    output.stdout(stringify(job, { aliasDuplicateObjects: false }));
    return exitCodes.ok;
  }
  const config = await loadKubeConfig({
    ...(values.kubeconfig && { kubeconfig: values.kubeconfig }),
    ...(values.context && { context: values.context }),
  });
  const outcome = await runJob(config, job, process.stdout, timeout * 1000, (message) => log.info(message));
  if (outcome.exitCode === 0) {
    log.info(`Job ${outcome.jobName} succeeded`);
    return exitCodes.ok;
  }
  log.error(`Job ${outcome.jobName} failed (${outcome.reason ?? "no reason given"}${outcome.exitCode === undefined ? "" : `, exit code ${outcome.exitCode}`})`);
  return outcome.exitCode ?? exitCodes.jobFailed;
}
