/** The committed GitHub Actions files: every workflow and local action under .github/. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPOSITORY_ROOT } from "../repository-root";

export const GITHUB_DIR = path.join(REPOSITORY_ROOT, ".github");

export interface WorkflowFile {
  /** Relative to the repository root, e.g. ".github/workflows/nightly.yml". */
  readonly file: string;
  readonly text: string;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

const read = (absolute: string): WorkflowFile => ({ file: path.relative(REPOSITORY_ROOT, absolute), text: readFileSync(absolute, "utf8") });

export function workflowFiles(): WorkflowFile[] {
  return yamlFilesUnder(path.join(GITHUB_DIR, "workflows")).map(read);
}

export function actionFiles(): WorkflowFile[] {
  return yamlFilesUnder(path.join(GITHUB_DIR, "actions")).map(read);
}
