/**
 * The `dev` command (npm run dev): see tools/dev/README.md. Exit codes: 0 stopped cleanly, 1 a
 * start or an override failed, 2 a bad command line.
 */
import { type DevCommand, UsageError, parseDevArgs } from "./dev-args";
import { startDevEnvironment } from "./dev-environment";
import { runOverride } from "./override-command";

const print = (line: string) => process.stdout.write(`${line}\n`);
const fail = (message: string, code: number) => {
  process.stderr.write(`dev: ${message}\n`);
  process.exitCode = code;
};

/** Resolves with the first SIGINT or SIGTERM; a second one exits at once. */
function firstStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
      process.once("SIGINT", () => process.exit(130)).once("SIGTERM", () => process.exit(143));
      resolve(signal);
    };
    process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  });
}

async function main(argv: readonly string[]): Promise<void> {
  let command: DevCommand;
  try {
    command = parseDevArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, 2);
    throw error;
  }
  const stopSignal = firstStopSignal();
  if (command.command === "override") {
    try {
      await runOverride(command, print, stopSignal);
    } catch (error) {
      fail((error as Error).message, 1);
    }
    return process.exit();
  }
  let interrupted = false;
  void stopSignal.then(() => (interrupted = true));
  try {
    const environment = await startDevEnvironment(command, print);
    const signal = await stopSignal;
    print(`${signal}: stopping the apps, then the data services`);
    await environment.stop();
    print("stopped: nothing left running");
  } catch (error) {
    fail(interrupted ? "interrupted while starting; everything started was stopped" : (error as Error).message, 1);
  }
  process.exit();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  fail(`unexpected failure: ${(error as Error).message} (set ARMATURE_DEBUG=1 for the stack trace)`, 1);
  if (process.env["ARMATURE_DEBUG"]) process.stderr.write(`${(error as Error).stack}\n`);
  process.exit();
});
