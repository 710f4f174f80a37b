/**
 * The Run RPC: start the program with node on the SDK's @pulumi/pulumi/cmd/run entry, which connects to
 * the engine's resource monitor, loads the program (through ts-node when PULUMI_NODEJS_TYPESCRIPT=true)
 * and registers its resources. Arguments, environment and the answer for each way the process can end
 * follow upstream's Run, execRuntime and constructArguments:
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 *
 * Unlike upstream, the program talks to the engine's monitor directly: upstream puts a forwarding monitor
 * and a pair of "sync invoke" pipes between them, and @pulumi/pulumi 3.248 no longer uses those pipes
 * (runtime/settings.js tryGetSyncInvokes has no caller), so no --sync folder is passed.
 */
import { spawn } from "node:child_process";
import { interrupt, track } from "./children";
import { findOnPath, locateModule } from "./locate";
import { programConfigJson } from "./program-config";
import { parseRuntimeOptions, typeScriptEnvironment } from "./runtime-options";
import { splitShellWords } from "./shell-words";

/** The SDK's exit code for "the user was already shown an actionable message" (cmd/run/index.js). */
export const EXITED_AFTER_USER_ACTIONABLE_MESSAGE = 32;

export interface ProgramRun {
  engineAddress: string;
  tracing: string;
  monitorAddress: string;
  organization: string;
  project: string;
  stack: string;
  rootDirectory: string;
  programDirectory: string;
  entryPoint: string;
  dryRun: boolean;
  parallel: number;
  args: string[];
  config: Array<[string, string]>;
  configSecretKeys: string[];
  options: Record<string, unknown>;
  attachDebugger: boolean;
}

export interface RunOutcome {
  error: string;
  bail: boolean;
}

export function nodeRunArguments(run: ProgramRun, runPath: string): string[] {
  const args = [runPath];
  const add = (flag: string, value: string) => {
    if (value !== "") args.push(`--${flag}`, value);
  };
  add("monitor", run.monitorAddress);
  add("engine", run.engineAddress);
  add("organization", run.organization);
  add("project", run.project);
  add("root-directory", run.rootDirectory);
  add("stack", run.stack);
  add("pwd", run.programDirectory);
  if (run.dryRun) args.push("--dry-run");
  add("parallel", String(run.parallel));
  add("tracing", run.tracing);
  // The engine always names an entry point, "." for the program directory itself.
  args.push(run.entryPoint, ...run.args);
  return args;
}

export async function runProgram(run: ProgramRun, cancelled: AbortSignal): Promise<RunOutcome> {
  const failed = (error: string): RunOutcome => ({ error, bail: false });
  if (run.attachDebugger) return failed("the stand-in pulumi-language-nodejs cannot attach a debugger (--attach-debugger)");
  let node: string;
  let runPath: string;
  try {
    node = findOnPath("node");
    runPath = locateModule(process.env["PULUMI_LANGUAGE_NODEJS_RUN_PATH"] || "@pulumi/pulumi/cmd/run", run.programDirectory, false);
  } catch (error) {
    return failed((error as Error).message);
  }
  let env: NodeJS.ProcessEnv;
  let nodeArgs: string[];
  try {
    const options = parseRuntimeOptions(run.options);
    nodeArgs = splitShellWords(options.nodeargs);
    env = {
      ...process.env,
      PULUMI_CONFIG: programConfigJson(run.config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(run.configSecretKeys),
      ...typeScriptEnvironment(options),
    };
  } catch (error) {
    return failed((error as Error).message);
  }

  // stdout and stderr are the host's own: the CLI shows what the program prints.
  const child = spawn(node, [...nodeArgs, ...nodeRunArguments(run, runPath)], { env, stdio: ["ignore", "inherit", "inherit"] });
  track(child);
  const onCancel = () => interrupt(child);
  cancelled.addEventListener("abort", onCancel);
  try {
    return await new Promise<RunOutcome>((resolve) => {
      child.once("error", (error) => resolve(failed(`Problem executing program (could not run language executor): ${error.message}`)));
      child.once("exit", (code, signal) => resolve(outcomeOf(code, signal)));
    });
  } finally {
    cancelled.removeEventListener("abort", onCancel);
  }
}

export function outcomeOf(code: number | null, signal: NodeJS.Signals | null): RunOutcome {
  if (code === 0) return { error: "", bail: false };
  if (code === EXITED_AFTER_USER_ACTIONABLE_MESSAGE) return { error: "", bail: true };
  // Go reports -1 as the exit code of a process ended by a signal.
  return { error: `Program exited with non-zero exit code: ${code ?? -1}${signal ? ` (${signal})` : ""}`, bail: false };
}
