#!/usr/bin/env node
/**
 * The migrator's command line (see `usage` in options.ts and the README). `run` returns the exit
 * code instead of exiting, so tests can drive it in-process as well as in a child process.
 */
import { MigratorError, exitCodes } from "../errors";
import { plan, status } from "../inspect";
import { migrate } from "../migrate";
import { connect } from "../connection";
import { maintainRecordedPartitions } from "../time-partitions";
import { runJobCommand } from "./job-command";
import { type CliCommand, parseCommandLine, usage } from "./options";
import { type Output, type Reporter, describeEvent, renderStatus, reporter } from "./report";

async function execute(command: CliCommand, output: Output, log: Reporter): Promise<number> {
  switch (command.name) {
    case "help":
      output.stdout(usage);
      return exitCodes.ok;
    case "status": {
      const report = await status({ databaseUrl: command.databaseUrl, ...command.folder });
      output.stdout(command.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
      return exitCodes.ok;
    }
    case "plan": {
      const result = await plan({ databaseUrl: command.databaseUrl, ...command.folder, phase: command.phase, rollbackTo: command.rollbackTo });
      output.stdout(result.sql);
      return exitCodes.ok;
    }
    case "pre":
    case "post":
    case "rollback-post": {
      const result = await migrate({
        databaseUrl: command.databaseUrl,
        ...command.folder,
        phase: command.name,
        lockTimeoutMs: command.lockTimeoutMs,
        rollbackTo: command.rollbackTo,
        onEvent: (event) => log.info(describeEvent(event), { event: event.type }),
      });
      log.info(`${result.phase}: ${result.applied.length} step${result.applied.length === 1 ? "" : "s"} applied to ${result.database}`, {
        database: result.database,
        runId: result.runId,
        applied: result.applied.length,
      });
      return exitCodes.ok;
    }
    case "partitions": {
      const client = await connect(command.databaseUrl, { role: "steps" });
      try {
        for (const change of await maintainRecordedPartitions(client)) {
          log.info(`partitions of ${change.table}: created ${change.created.length}, dropped ${change.dropped.length}`, { ...change });
        }
      } finally {
        await client.end();
      }
      return exitCodes.ok;
    }
    case "job":
      return runJobCommand(command.args, output, log);
  }
}

export async function run(argv: readonly string[], env: NodeJS.ProcessEnv, output: Output): Promise<number> {
  let log = reporter(env["LOG_FORMAT"] === "json" ? "json" : "plain", output);
  try {
    const command = parseCommandLine(argv, env);
    log = reporter(command.logFormat, output);
    return await execute(command, output, log);
  } catch (error) {
    if (error instanceof MigratorError) {
      log.error(error.describe(), { kind: error.kind, exitCode: error.exitCode });
      return error.exitCode;
    }
    log.error(`unexpected error: ${(error as Error).message ?? String(error)} (set ARMATURE_DEBUG=1 for the stack trace)`);
    if (env["ARMATURE_DEBUG"]) output.stderr(`${(error as Error).stack ?? ""}\n`);
    return exitCodes.unexpected;
  }
}

if (require.main === module) {
  const output: Output = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
  void run(process.argv.slice(2), process.env, output).then((code) => {
    process.exitCode = code;
  });
}
