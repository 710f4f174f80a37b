/**
 * `npm run ephemeral -- create|destroy|reap`: per-pull-request environments. `create` writes
 * Pulumi.pr-<n>.yaml from the ephemeral template and runs `pulumi up`; `destroy` tears a PR stack
 * down; `reap` (run on a schedule) destroys PR stacks idle past their TTL. Exit codes: 0 done,
 * 1 a Pulumi call failed, 2 bad command line.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { EXIT, UsageError, exitAfterFlush } from "../plan/errors";
import { REPOSITORY_ROOT } from "../repository-root";
import { type PulumiCli, pulumiCli } from "../pulumi-cli/pulumi-cli";
import { USAGE, parseEphemeralArgs } from "./args";
import { type StackSummary, decideReaping } from "./expiry";
import { ephemeralStackName, writeEphemeralStackFile } from "./stack-file";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function destroyStack(cli: PulumiCli, stack: string, dryRun: boolean): Promise<void> {
  await cli.change(["destroy", "--yes", "--stack", stack]);
  await cli.change(["stack", "rm", "--yes", "--stack", stack]);
  const file = path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`);
  if (dryRun) log(`dry run, would remove ${path.basename(file)}`);
  else rmSync(file, { force: true });
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
      const { file, omittedSecrets } = writeEphemeralStackFile(REPOSITORY_ROOT, command.pullRequest, command.force);
      log(`wrote ${path.basename(file)} from the ephemeral template`);
      if (omittedSecrets.length > 0) log(`left out secrets of the base stack: ${omittedSecrets.join(", ")}`);
      if (command.configOnly) return EXIT.ok;
      await cli.change(["stack", "select", "--create", stack]);
      await cli.change(["up", "--yes", "--stack", stack]);
      return EXIT.ok;
    }
    case "destroy":
      await destroyStack(cli, ephemeralStackName(command.pullRequest), command.dryRun);
      return EXIT.ok;
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
