/**
 * Runs actionlint (https://github.com/rhysd/actionlint) over a project's .github/workflows, with its
 * errors as data (`-format '{{json .}}'`). actionlint finds the project by walking up to a folder with
 * .git and .github/workflows; it also checks each `uses: ./.github/actions/...` against that action's
 * inputs, and runs shellcheck on `run:` scripts when shellcheck is on PATH (optional here).
 */
import { execFile } from "node:child_process";

export interface ActionlintError {
  readonly message: string;
  readonly filepath: string;
  readonly line: number;
  readonly column: number;
  /** The rule that found it: "expression", "permissions", "job-needs", "action", "shellcheck"... */
  readonly kind: string;
}

export interface ActionlintResult {
  /** 0: no error; 1: errors found; 2: bad command line; 3: actionlint failed (no project...). */
  readonly code: number;
  readonly errors: readonly ActionlintError[];
  readonly stderr: string;
}

export function runActionlint(binary: string, projectDir: string): Promise<ActionlintResult> {
  return new Promise((resolve, reject) => {
    execFile(binary, ["-format", "{{json .}}"], { cwd: projectDir, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(new Error(`cannot run ${binary}: ${error.message}`));
      const code = error ? Number(error.code) : 0;
      let errors: ActionlintError[] = [];
      // With no error it prints nothing or "null"; with errors, one JSON array.
      if (stdout.trim() !== "" && stdout.trim() !== "null") {
        try {
          errors = JSON.parse(stdout) as ActionlintError[];
        } catch {
          return reject(new Error(`actionlint (exit ${code}) printed no JSON error list:\n${stdout.slice(0, 2000)}\n${stderr.slice(0, 2000)}`));
        }
      }
      resolve({ code, errors, stderr });
    });
  });
}

export function formatActionlintError(error: ActionlintError): string {
  return `${error.filepath}:${error.line}:${error.column}: ${error.message} [${error.kind}]`;
}
