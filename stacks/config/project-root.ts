/**
 * The folder that holds Pulumi.yaml. Paths in stack config (a local chart, say) are relative to it,
 * whether the CLI runs the program (its working directory is then `stacks/`, Pulumi.yaml's `main`)
 * or the offline plan does (from wherever it was started).
 */
import path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export function fromProjectRoot(relativePath: string): string {
  return path.resolve(PROJECT_ROOT, relativePath);
}
