/**
 * The few Pulumi CLI calls the ops tools make (ephemeral stacks, drift detection). Read-only calls
 * always run; changing calls are only printed under --dry-run. Needs the `pulumi` CLI on PATH and a
 * logged-in backend: neither exists on Armature's build machines, so this path is exercised only
 * where the CLI is installed.
 */
import { execFile } from "node:child_process";

export class PulumiCliError extends Error {
  override readonly name = "PulumiCliError";
}

export interface PulumiCli {
  /** A call that only reads (stack ls, preview). */
  read(args: readonly string[]): Promise<string>;
  /** A call that changes a stack (up, destroy, stack rm); printed instead of run under dry-run. */
  change(args: readonly string[]): Promise<string>;
}

export function pulumiCli(options: { cwd: string; dryRun: boolean; log: (line: string) => void }): PulumiCli {
  const run = (args: readonly string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile("pulumi", [...args, "--non-interactive"], { cwd: options.cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(new PulumiCliError("the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) and run `pulumi login`"));
        }
        const reason = stderr.trim().split("\n").pop() ?? error.message;
        reject(new PulumiCliError(`pulumi ${args.join(" ")} failed (exit ${String(error.code)}): ${reason}`));
      });
    });
  return {
    read: run,
    change: async (args) => {
      if (options.dryRun) {
        options.log(`dry run, would run: pulumi ${args.join(" ")}`);
        return "";
      }
      options.log(`running: pulumi ${args.join(" ")}`);
      return run(args);
    },
  };
}
