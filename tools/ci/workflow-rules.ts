/**
 * The rules the committed workflows keep beyond what actionlint checks (.github/README.md):
 * - every third-party action is pinned to a full commit SHA with its version tag in a comment, so a
 *   moved tag cannot change what runs (https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions);
 * - the workflow's token can only read the repository (`permissions: { contents: read }`), and a job
 *   adds `id-token: write` only when it authenticates to Google Cloud through Workload Identity
 *   Federation (the setup action with `cloud: "true"`); no other write permission anywhere.
 */
import { parse } from "yaml";

const PINNED = /^\s*(?:-\s+)?uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})\s+#\s*v\d+\.\d+\.\d+\s*$/;
const USES = /^\s*(?:-\s+)?uses:\s*(\S+)/;
const SETUP_ACTION = "./.github/actions/setup";

/** Each `uses:` line of a workflow or action file that is neither local nor pinned to a SHA with a version comment. */
export function unpinnedActions(file: string, text: string): string[] {
  const problems: string[] = [];
  text.split("\n").forEach((line, index) => {
    const uses = USES.exec(line);
    if (!uses || uses[1]!.startsWith("./")) return;
    if (!PINNED.test(line)) problems.push(`${file}:${index + 1}: ${uses[1]} is not pinned to a full commit SHA with its version in a comment (uses: owner/repo@<40 hex> # vX.Y.Z)`);
  });
  return problems;
}

type Permissions = Readonly<Record<string, string>> | string | undefined;

interface Step {
  readonly uses?: string;
  readonly with?: Readonly<Record<string, unknown>>;
}

interface Workflow {
  readonly permissions?: Permissions;
  readonly jobs?: Readonly<Record<string, { readonly permissions?: Permissions; readonly steps?: readonly Step[] }>>;
}

function shown(permissions: Permissions): string {
  return JSON.stringify(permissions ?? null);
}

/** Where a workflow's token gets more than reading the repository, or id-token: write without WIF. */
export function permissionProblems(file: string, text: string): string[] {
  const workflow = parse(text) as Workflow;
  const problems: string[] = [];
  const top = workflow.permissions;
  if (typeof top !== "object" || Object.keys(top).length !== 1 || top["contents"] !== "read") {
    problems.push(`${file}: top-level permissions must be exactly { contents: read }, found ${shown(top)}`);
  }
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    const permissions = job.permissions;
    if (permissions === undefined) continue;
    if (typeof permissions !== "object") {
      problems.push(`${file}: job ${name}: permissions must list scopes, found ${shown(permissions)}`);
      continue;
    }
    const usesWif = (job.steps ?? []).some((step) => step.uses === SETUP_ACTION && step.with?.["cloud"] === "true");
    for (const [scope, level] of Object.entries(permissions)) {
      if (level === "read" || level === "none") continue;
      if (scope === "id-token" && level === "write" && usesWif) continue;
      problems.push(`${file}: job ${name}: ${scope}: ${level} is more than it needs (only id-token: write, and only for Workload Identity Federation)`);
    }
  }
  return problems;
}
