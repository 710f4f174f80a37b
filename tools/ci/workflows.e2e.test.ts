/**
 * actionlint v1.7.x (built from the Go module proxy, cached like the engine: tools/test-services/engine)
 * over the committed workflows: they pass, and a copy broken in four ways that happen in real edits
 * fails, with each error named by file, line and rule.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureActionlint } from "../test-services/engine/ensure-actionlint";
import { REPOSITORY_ROOT } from "../repository-root";
import { type ActionlintError, formatActionlintError, runActionlint } from "./actionlint";
import { GITHUB_DIR } from "./workflow-files";

let actionlint: string;
let brokenProject: string;
const say = (line: string) => console.log(line);

beforeAll(async () => {
  actionlint = await ensureActionlint();
  brokenProject = mkdtempSync(path.join(os.tmpdir(), "armature-actionlint-"));
});

afterAll(() => {
  if (brokenProject) rmSync(brokenProject, { recursive: true, force: true });
});

/** Replaces `from` (which must be there) in a file of the broken copy. */
function breakFile(relative: string, from: string, to: string): void {
  const file = path.join(brokenProject, relative);
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${relative} no longer contains ${JSON.stringify(from)}: update this test's breakage`);
  writeFileSync(file, text.replace(from, to));
}

const shown = (errors: readonly ActionlintError[]) => errors.map(formatActionlintError);

describe("actionlint on .github/workflows", () => {
  it("passes on the committed workflows", async () => {
    const result = await runActionlint(actionlint, REPOSITORY_ROOT);
    const version = execFileSync(actionlint, ["-version"], { encoding: "utf8" }).split("\n")[0];
    say(`actionlint ${version} (${actionlint}) in ${REPOSITORY_ROOT}: exit ${result.code}, ${result.errors.length} error(s)`);
    expect(shown(result.errors)).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
  });

  it("fails on a deliberately broken copy, naming each error", async () => {
    // actionlint finds a project by its .git folder and .github/workflows.
    mkdirSync(path.join(brokenProject, ".git"));
    cpSync(GITHUB_DIR, path.join(brokenProject, ".github"), { recursive: true });
    // A context that does not exist (the number is github.event.pull_request.number).
    breakFile(".github/workflows/pull-request.yml", "group: plan-pr-${{ github.event.pull_request.number }}", "group: plan-pr-${{ github.pull_request.number }}");
    // A job that needs a misspelt job.
    breakFile(".github/workflows/pull-request.yml", "needs: [plan, policy]", "needs: [plan, polcy]");
    // A permission level GitHub does not have.
    breakFile(".github/workflows/pull-request-closed.yml", "id-token: write", "id-token: writ");
    // An input the local setup action does not declare.
    breakFile(".github/workflows/nightly.yml", 'cloud: "true"', 'clouds: "true"');

    const result = await runActionlint(actionlint, brokenProject);
    say(`actionlint on the broken copy: exit ${result.code}, ${result.errors.length} error(s)\n  ${shown(result.errors).join("\n  ")}`);
    expect(result.code).toBe(1);
    const found = result.errors.map(({ filepath, kind, message }) => ({ filepath, kind, message }));
    expect(found).toEqual(
      expect.arrayContaining([
        { filepath: ".github/workflows/pull-request.yml", kind: "expression", message: expect.stringMatching(/^property "pull_request" is not defined in object type/) as unknown },
        { filepath: ".github/workflows/pull-request.yml", kind: "job-needs", message: 'job "ephemeral" needs job "polcy" which does not exist in this workflow' },
        { filepath: ".github/workflows/pull-request-closed.yml", kind: "permissions", message: expect.stringContaining('"writ" is invalid as permission of scope "id-token"') as unknown },
        { filepath: ".github/workflows/nightly.yml", kind: "action", message: expect.stringContaining('input "clouds" is not defined in action "Armature setup"') as unknown },
      ]),
    );
    // Nothing else: each error comes from one of the four breakages.
    expect(new Set(found.map(({ kind }) => kind))).toEqual(new Set(["expression", "job-needs", "permissions", "action"]));
  });
});
