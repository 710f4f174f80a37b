/**
 * `npm run ephemeral -- create|destroy|reap`: per-pull-request environments. `create` writes
 * Pulumi.pr-<n>.yaml from the ephemeral template and runs `pulumi up`; `destroy` tears a PR stack
 * down; `reap` (run on a schedule) destroys PR stacks idle past their TTL. Exit codes: 0 done,
 * 1 a Pulumi call failed, 2 bad command line.
 *
 * It drives the `pulumi` on PATH with the environment it was started with: PULUMI_BACKEND_URL (or
 * `pulumi login`), PULUMI_CONFIG_PASSPHRASE for passphrase-encrypted stacks, PULUMI_HOME.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { EXIT, UsageError, exitAfterFlush } from "../plan/errors";
import { REPOSITORY_ROOT } from "../repository-root";
import { type PulumiCli, PulumiCliError, pulumiCli } from "../pulumi-cli/pulumi-cli";
import { USAGE, parseEphemeralArgs } from "./args";
import { type StackSummary, decideReaping } from "./expiry";
import { ephemeralStackName, writeEphemeralStackFile } from "./stack-file";

const log = (line: string) => process.stderr.write(`${line}\n`);

/** A clear message for the one failure two runs for the same PR cause: the backend's stack lock. */
function lockedMessage(stack: string, doing: string): string {
  return `${stack} is locked by another update (another ${doing} for the same pull request?): wait for it to finish and run this again; if no update is running, clear the stale lock with \`pulumi cancel --stack ${stack}\``;
}

async function destroyStack(cli: PulumiCli, stack: string, dryRun: boolean): Promise<void> {
  await cli.change(["destroy", "--yes", "--skip-preview", "--stack", stack]);
  await cli.change(["stack", "rm", "--yes", "--stack", stack]);
  const file = path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`);
  if (dryRun) log(`dry run, would remove ${path.basename(file)}`);
  else rmSync(file, { force: true });
}

async function stackNames(cli: PulumiCli): Promise<string[]> {
  return (JSON.parse(await cli.read(["stack", "ls", "--json"])) as StackSummary[]).map((summary) => summary.name.split("/").pop() ?? summary.name);
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseEphemeralArgs(argv);
  if (command.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const cli = pulumiCli({ cwd: REPOSITORY_ROOT, dryRun: command.dryRun, log });
  switch (command.command) {
    case "create": {
      const stack = ephemeralStackName(command.pullRequest);
      const { file, omittedSecrets } = writeEphemeralStackFile(REPOSITORY_ROOT, command.pullRequest, command.force, command.config);
      log(`wrote ${path.basename(file)} from the ephemeral template${command.config.length ? ` with ${command.config.map((o) => o.key).join(", ")} set` : ""}`);
      if (omittedSecrets.length > 0) log(`left out secrets of the base stack: ${omittedSecrets.join(", ")}`);
      if (command.configOnly) return EXIT.ok;
      try {
        await cli.change(["stack", "select", "--create", stack]);
        await cli.change(["up", "--yes", "--skip-preview", "--stack", stack]);
      } catch (error) {
        if (error instanceof PulumiCliError && error.stackLocked) throw new PulumiCliError(lockedMessage(stack, "create"));
        throw error;
      }
      log(`${stack} is up`);
      return EXIT.ok;
    }
    case "destroy": {
      const stack = ephemeralStackName(command.pullRequest);
      if (!(await stackNames(cli)).includes(stack)) {
        throw new PulumiCliError(`there is no stack ${stack} in this project's backend (\`pulumi stack ls\`): nothing to destroy; check the pull-request number and PULUMI_BACKEND_URL`);
      }
      try {
        await destroyStack(cli, stack, command.dryRun);
      } catch (error) {
        if (error instanceof PulumiCliError && error.stackLocked) throw new PulumiCliError(lockedMessage(stack, "run"));
        throw error;
      }
      log(`${stack} is destroyed and removed`);
      return EXIT.ok;
    }
    case "reap": {
      const stacks = JSON.parse(await cli.read(["stack", "ls", "--json"])) as StackSummary[];
      let failures = 0;
      for (const decision of decideReaping(stacks, command.ttlHours, command.now)) {
        if (decision.action === "keep") {
          log(`keep ${decision.stack}: ${decision.reason}`);
          continue;
        }
        log(`reap ${decision.stack}: idle ${decision.idleHours.toFixed(1)} h, TTL ${command.ttlHours} h`);
        try {
          await destroyStack(cli, decision.stack, command.dryRun);
        } catch (error) {
          // The file backend does not report updates in progress in `stack ls`; its lock tells.
          if (error instanceof PulumiCliError && error.stackLocked) {
            log(`keep ${decision.stack}: an update is in progress (the stack is locked)`);
            continue;
          }
          failures += 1;
          log(`failed to reap ${decision.stack}: ${(error as Error).message}`);
        }
      }
      return failures > 0 ? EXIT.configOrProgram : EXIT.ok;
    }
  }
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  log(`ephemeral: ${(error as Error).message}`);
  exitAfterFlush(error instanceof UsageError ? EXIT.usage : EXIT.configOrProgram);
});
