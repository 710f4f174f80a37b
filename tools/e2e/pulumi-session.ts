/**
 * The real Pulumi CLI, set up the way the e2e lane runs it: a file backend and PULUMI_HOME of its own
 * (plugins installed there, nothing downloaded), a passphrase secrets provider, and the stand-ins'
 * settings in the environment, which the CLI hands on to every plugin it starts.
 */
import { type CommandResult, runCommand } from "./run-command";

export interface PulumiSessionOptions {
  readonly pulumi: string;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
}

export class PulumiSession {
  constructor(readonly options: PulumiSessionOptions) {}

  /** `env` adds to the session's environment for this command only (e.g. VAULT_TOKEN). */
  run(args: readonly string[], options: { allowFailure?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
    return runCommand(this.options.pulumi, [...args, "--non-interactive", "--color", "never"], {
      cwd: options.cwd ?? this.options.projectDir,
      env: { ...this.options.env, ...options.env },
      logFile: this.options.logFile,
      ...(options.allowFailure ? { allowFailure: true } : {}),
    });
  }

  /** A JSON-printing command's document (`preview --json`, `stack export`, `stack output --json`). */
  async json<T>(args: readonly string[], options: { allowFailure?: boolean } = {}): Promise<{ result: CommandResult; document: T }> {
    const result = await this.run(args, options);
    try {
      return { result, document: JSON.parse(result.stdout) as T };
    } catch {
      throw new Error(`\`${result.command}\` printed no JSON document (exit ${result.code}):\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
    }
  }
}

/** The "Resources:" block and duration that ends `pulumi up`/`destroy` output: the summary a person reads. */
export function updateSummary(output: string): string {
  const start = output.lastIndexOf("Resources:");
  return start < 0 ? "(no summary printed)" : output.slice(start).trimEnd();
}
