/**
 * The few Pulumi CLI calls the ops tools make (ephemeral stacks, drift detection). Read-only calls
 * always run; changing calls are only printed under --dry-run. Needs the `pulumi` CLI on PATH and a
 * backend it is logged in to (or PULUMI_BACKEND_URL): everything else it needs comes from the
 * environment the tool was started with (PULUMI_HOME, PULUMI_CONFIG_PASSPHRASE...).
 */
import { spawn } from "node:child_process";

export class PulumiCliError extends Error {
  override readonly name = "PulumiCliError";
  constructor(
    message: string,
    /** Everything the failed call printed on stderr, to tell one failure from another. */
    readonly stderr = "",
  ) {
    super(message);
  }

  /**
   * Another update holds the stack's lock: the file backend refuses a second concurrent update of a
   * stack ("the stack is currently locked by 1 lock(s)"), and Pulumi Cloud answers 409 "Conflict:
   * Another update is currently in progress" (https://www.pulumi.com/docs/iac/concepts/state-and-backends/).
   */
  get stackLocked(): boolean {
    return /currently locked by \d+ lock|another update is currently in progress/i.test(this.stderr);
  }
}

export interface PulumiCli {
  /** A call that only reads (stack ls, refresh --preview-only); its stdout is returned. */
  read(args: readonly string[]): Promise<string>;
  /** A call that changes a stack (up, destroy, stack rm); printed instead of run under dry-run. Its output goes to the log as it comes. */
  change(args: readonly string[]): Promise<string>;
}

export interface PulumiCliOptions {
  readonly cwd: string;
  readonly dryRun: boolean;
  readonly log: (line: string) => void;
  /** Where a changing call's output goes as it runs (the user follows a long `pulumi up`); stderr by default. */
  readonly echo?: (chunk: string) => void;
}

export function pulumiCli(options: PulumiCliOptions): PulumiCli {
  const run = (args: readonly string[], echo: boolean) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const write = options.echo ?? ((chunk: string) => process.stderr.write(chunk));
      child.stdout.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        if (echo) write(chunk.toString());
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr.push(chunk);
        if (echo) write(chunk.toString());
      });
      child.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") {
          reject(new PulumiCliError("the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) and run `pulumi login`"));
        } else reject(new PulumiCliError(`cannot start pulumi: ${error.message}`));
      });
      child.on("close", (code, signal) => {
        const out = Buffer.concat(stdout).toString();
        const err = Buffer.concat(stderr).toString();
        if (code === 0) return resolve(out);
        const reason = lastErrorLine(err) ?? lastErrorLine(out) ?? "(it printed no error)";
        reject(new PulumiCliError(`pulumi ${args.join(" ")} failed (${signal ? `signal ${signal}` : `exit ${String(code)}`}): ${reason}`, `${err}\n${out}`));
      });
    });
  return {
    read: (args) => run(args, false),
    change: async (args) => {
      if (options.dryRun) {
        options.log(`dry run, would run: pulumi ${args.join(" ")}`);
        return "";
      }
      options.log(`running: pulumi ${args.join(" ")}`);
      return run(args, true);
    },
  };
}

/** The line that says what went wrong: the CLI's last "error:" line, else its last line. */
function lastErrorLine(text: string): string | undefined {
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return lines.filter((line) => /^error:/i.test(line)).pop() ?? lines.pop();
}
