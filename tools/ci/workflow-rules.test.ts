/**
 * The committed workflows keep the rules actionlint does not check (workflow-rules.ts), and run the
 * operating modes the README documents, with arguments the tools' own parsers accept.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseEphemeralArgs } from "../ephemeral/args";
import { GITHUB_DIR, actionFiles, workflowFiles } from "./workflow-files";
import { permissionProblems, unpinnedActions } from "./workflow-rules";

const PINNED_CHECKOUT = "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";

describe("the committed workflows", () => {
  it("pin every third-party action to a commit SHA with its version", () => {
    const files = [...workflowFiles(), ...actionFiles()];
    expect(files.map(({ file }) => file)).toEqual(
      expect.arrayContaining([".github/workflows/pull-request.yml", ".github/workflows/pull-request-closed.yml", ".github/workflows/nightly.yml", ".github/actions/setup/action.yml"]),
    );
    expect(files.flatMap(({ file, text }) => unpinnedActions(file, text))).toEqual([]);
    // The check looked at real pins: every file either pins something or uses the local setup action.
    for (const { file, text } of files) expect(text, file).toMatch(/uses: [\w./-]+@[0-9a-f]{40} # v\d/);
  });

  it("give the token read access only, and id-token: write only to jobs that use Workload Identity Federation", () => {
    expect(workflowFiles().flatMap(({ file, text }) => permissionProblems(file, text))).toEqual([]);
  });
});

describe("the rules catch what they are for", () => {
  it("an action by tag, by a short SHA, or by SHA without its version", () => {
    const text = ["      - uses: actions/checkout@v7", "      - uses: actions/checkout@3d3c42e", PINNED_CHECKOUT.replace(/ # v7\.0\.1$/, ""), PINNED_CHECKOUT, "      - uses: ./.github/actions/setup"].join("\n");
    expect(unpinnedActions("w.yml", text)).toEqual([
      expect.stringMatching(/^w\.yml:1: actions\/checkout@v7 is not pinned/),
      expect.stringMatching(/^w\.yml:2: actions\/checkout@3d3c42e is not pinned/),
      expect.stringMatching(/^w\.yml:3: actions\/checkout@3d3c42e5\w+ is not pinned/),
    ]);
  });

  it("write-all, a write scope, and id-token: write in a job that does not authenticate to Google Cloud", () => {
    expect(permissionProblems("w.yml", "permissions: write-all\njobs: {}\n")).toEqual(['w.yml: top-level permissions must be exactly { contents: read }, found "write-all"']);
    const job = (permissions: string, cloud: string) =>
      `permissions:\n  contents: read\njobs:\n  j:\n    permissions:\n${permissions}\n    steps:\n      - uses: ./.github/actions/setup\n        with:\n          cloud: "${cloud}"\n`;
    expect(permissionProblems("w.yml", job("      contents: write", "true"))).toEqual([expect.stringContaining("job j: contents: write is more than it needs")]);
    expect(permissionProblems("w.yml", job("      id-token: write", "false"))).toEqual([expect.stringContaining("job j: id-token: write is more than it needs")]);
    expect(permissionProblems("w.yml", job("      id-token: write", "true"))).toEqual([]);
  });
});

interface Workflow {
  readonly on: Readonly<Record<string, unknown>>;
  readonly jobs: Readonly<Record<string, { readonly env?: Readonly<Record<string, string>>; readonly concurrency?: { group: string; "cancel-in-progress": boolean }; readonly steps: readonly { readonly run?: string }[] }>>;
}

function workflow(name: string): Workflow {
  const found = workflowFiles().find(({ file }) => file === `.github/workflows/${name}`);
  if (!found) throw new Error(`no .github/workflows/${name}`);
  return parse(found.text) as Workflow;
}

const runs = (flow: Workflow) => Object.values(flow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run.trim()] : [])));

/** The arguments after `npm run ephemeral --`, with the pull-request number put in. */
function ephemeralArgs(run: string): string[] {
  return run.replace(/^npm run ephemeral -- /, "").replace('"$PULL_REQUEST"', "42").split(/\s+/);
}

describe("what the workflows run", () => {
  it("on a pull request: the offline plan, the policy check, and ephemeral create (arguments the tool accepts)", () => {
    const flow = workflow("pull-request.yml");
    expect(flow.on).toEqual({ pull_request: { types: ["opened", "synchronize", "reopened"] } });
    const commands = runs(flow);
    expect(commands).toContain("npm run plan -- dev");
    expect(commands).toContain("pulumi preview --stack dev --non-interactive --policy-pack policies --policy-pack-config policies/enforcement/dev.json");
    const create = commands.find((run) => run.startsWith("npm run ephemeral -- create"));
    expect(parseEphemeralArgs(ephemeralArgs(create!))).toMatchObject({ command: "create", pullRequest: 42 });
    expect(flow.jobs["ephemeral"]!.env!["PULL_REQUEST"]).toBe("${{ github.event.pull_request.number }}");
  });

  it("on close: ephemeral destroy, in the create job's concurrency group, never cancelled", () => {
    const flow = workflow("pull-request-closed.yml");
    expect(flow.on).toEqual({ pull_request: { types: ["closed"] } });
    const destroy = runs(flow).find((run) => run.startsWith("npm run ephemeral -- destroy"));
    expect(parseEphemeralArgs(ephemeralArgs(destroy!))).toMatchObject({ command: "destroy", pullRequest: 42 });
    const create = workflow("pull-request.yml").jobs["ephemeral"]!.concurrency!;
    expect(flow.jobs["destroy"]!.concurrency).toEqual(create);
    expect(create).toEqual({ group: "ephemeral-pr-${{ github.event.pull_request.number }}", "cancel-in-progress": false });
  });

  it("nightly: reap, and drift of prod posting to the webhook from a repository secret", () => {
    const flow = workflow("nightly.yml");
    expect(Object.keys(flow.on)).toEqual(["schedule", "workflow_dispatch"]);
    expect(parseEphemeralArgs(ephemeralArgs(runs(flow).find((run) => run.startsWith("npm run ephemeral -- reap"))!))).toMatchObject({ command: "reap" });
    expect(runs(flow)).toContain("npm run drift -- prod --notify");
    expect(flow.jobs["drift"]!.env!["ARMATURE_ALERT_WEBHOOK_URL"]).toBe("${{ secrets.ARMATURE_ALERT_WEBHOOK_URL }}");
  });

  it("read only the five secrets .github/README.md documents", () => {
    const documented = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "GCP_WORKLOAD_IDENTITY_PROVIDER", "GCP_SERVICE_ACCOUNT", "ARMATURE_ALERT_WEBHOOK_URL"];
    const readme = readFileSync(path.join(GITHUB_DIR, "README.md"), "utf8");
    const used = new Set(workflowFiles().flatMap(({ text }) => [...text.matchAll(/\bsecrets\.(\w+)/g)].map((match) => match[1]!)));
    expect([...used].sort()).toEqual(documented.slice().sort());
    for (const name of documented) expect(readme).toContain(`| \`${name}\` |`);
  });

  it("take every secret from the repository's secrets, never a literal", () => {
    for (const { file, text } of workflowFiles()) {
      const flow = parse(text) as Workflow;
      for (const [name, job] of Object.entries(flow.jobs)) {
        for (const [key, value] of Object.entries(job.env ?? {})) {
          if (/PASSPHRASE|BACKEND_URL|WEBHOOK/.test(key)) expect(value, `${file} job ${name} env ${key}`).toBe(`\${{ secrets.${key} }}`);
        }
      }
    }
  });
});
