/**
 * Runs one CLI call of the e2e lane (pulumi, kubectl) to completion, keeping everything it printed:
 * in memory for assertions, and appended to the lane's log file so a failure can be read in full.
 */
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";

export interface CommandResult {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class CommandFailed extends Error {
  override readonly name = "CommandFailed";
  constructor(readonly result: CommandResult, logFile: string) {
    const output = `${result.stdout}\n${result.stderr}`.trimEnd().split("\n").slice(-60).join("\n");
    super(`\`${result.command}\` exited ${result.code}; its last lines follow (all of it is in ${logFile}):\n${output}`);
  }
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  /** Return a failed result instead of throwing. */
  readonly allowFailure?: boolean;
  readonly input?: string;
}

export function runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const command = [file.split("/").pop(), ...args].join(" ");
  appendFileSync(options.logFile, `\n$ ${command}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      appendFileSync(options.logFile, chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
      appendFileSync(options.logFile, chunk);
    });
    child.stdin.end(options.input ?? "");
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const result = { command, code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
      if (result.code !== 0 && !options.allowFailure) reject(new CommandFailed(result, options.logFile));
      else resolve(result);
    });
  });
}
