/**
 * The RunPlugin RPC: the CLI runs a plugin written in Node.js (a policy pack, kind "analyzer", or a
 * provider/tool with a PulumiPlugin.yaml) through the language host, which starts it with node and
 * streams its stdout and stderr back; the CLI reads the plugin's port from that stdout. Follows
 * upstream's RunPlugin:
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 *
 * Policy packs start with @pulumi/pulumi/cmd/run-policy-pack (which loads the pack's index through
 * ts-node with the pack's own tsconfig.json, and whose @pulumi/policy then serves the Analyzer service
 * and prints its port), behind a PolicyProxy that gives them the stack's configuration.
 */
import { spawn } from "node:child_process";
import { type Readable } from "node:stream";
import { interrupt, track } from "./children";
import { findOnPath, locateModule } from "./locate";
import { PolicyProxy } from "./policy-proxy";
import { parseRuntimeOptions, typeScriptEnvironment } from "./runtime-options";
import { splitShellWords } from "./shell-words";

export const ANALYZER_KIND = "analyzer";

export interface PluginRun {
  engineAddress: string;
  /** The CLI's working directory: the plugin's, except for policy packs. */
  pwd: string;
  args: string[];
  /** The whole environment for the plugin, as KEY=VALUE. */
  env: string[];
  programDirectory: string;
  options: Record<string, unknown>;
  kind: string;
  attachDebugger: boolean;
}

export interface PluginOutput {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

export function environmentOf(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return env;
}

export function pluginArguments(run: PluginRun, runPath: string, nodeArgs: readonly string[]): string[] {
  // Policy packs get the program directory last, every other plugin first (as upstream).
  return run.kind === ANALYZER_KIND
    ? [runPath, ...nodeArgs, ...run.args, run.programDirectory]
    : [runPath, ...nodeArgs, run.programDirectory, ...run.args];
}

/** Runs the plugin to its end; rejects with upstream's message when it fails. */
export async function runPlugin(run: PluginRun, output: PluginOutput, cancelled: AbortSignal): Promise<void> {
  if (run.attachDebugger) throw new Error("the stand-in pulumi-language-nodejs cannot attach a debugger to plugins");
  const node = findOnPath("node");
  const options = parseRuntimeOptions(run.options);
  const isPolicyPack = run.kind === ANALYZER_KIND;
  const entry = isPolicyPack
    ? "@pulumi/pulumi/cmd/run-policy-pack"
    : process.env["PULUMI_LANGUAGE_NODEJS_RUN_PATH"] || "@pulumi/pulumi/cmd/run-plugin";
  const runPath = locateModule(entry, run.programDirectory, true);
  const env = { ...environmentOf(run.env), ...typeScriptEnvironment(options) };
  const args = pluginArguments(run, runPath, splitShellWords(options.nodeargs));

  const proxy = isPolicyPack ? new PolicyProxy() : undefined;
  try {
    if (proxy) {
      const stopWaiting = () => proxy.fail(new Error("the plugin run was cancelled"));
      cancelled.addEventListener("abort", stopWaiting, { once: true });
      output.stdout(Buffer.from(`${await proxy.start()}\n`));
      Object.assign(env, stackEnvironment(await proxy.awaitConfiguration()));
      cancelled.removeEventListener("abort", stopWaiting);
      if (cancelled.aborted) throw new Error("the plugin run was cancelled before the policy pack started");
    }
    // Policy packs always ran in their own folder; other plugins run where the CLI runs.
    const child = spawn(node, args, { cwd: isPolicyPack ? run.programDirectory : run.pwd, env, stdio: ["ignore", "pipe", "pipe"] });
    track(child);
    const onCancel = () => interrupt(child);
    cancelled.addEventListener("abort", onCancel);
    try {
      child.stderr.on("data", (chunk: Buffer) => output.stderr(chunk));
      if (proxy) attachWhenListening(proxy, child.stdout, output);
      else child.stdout.on("data", (chunk: Buffer) => output.stdout(chunk));
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once("error", (error) =>
          reject(new Error(`Problem executing plugin program (could not run language executor): ${error.message}`)),
        );
        // "close": the process has exited and its output has been read to the end.
        child.once("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
      });
      if (code !== 0) {
        const failure = new Error(`Program exited with non-zero exit code: ${code ?? -1}${signal ? ` (${signal})` : ""}`);
        proxy?.fail(failure);
        throw failure;
      }
    } finally {
      cancelled.removeEventListener("abort", onCancel);
    }
  } finally {
    proxy?.close();
  }
}

/** The variables upstream sets for a policy pack from the engine's ConfigureStack. */
export function stackEnvironment(configuration: Awaited<ReturnType<PolicyProxy["awaitConfiguration"]>>): Record<string, string> {
  if (!configuration) return {};
  const env: Record<string, string> = {};
  const set = (key: string, value: string) => {
    if (value !== "") env[key] = value;
  };
  set("PULUMI_NODEJS_ORGANIZATION", configuration.organization);
  set("PULUMI_NODEJS_PROJECT", configuration.project);
  set("PULUMI_NODEJS_STACK", configuration.stack);
  set("PULUMI_NODEJS_DRY_RUN", String(configuration.dryRun));
  if (Object.keys(configuration.config).length > 0) set("PULUMI_CONFIG", JSON.stringify(configuration.config));
  return env;
}

/**
 * The pack's first stdout line is its port: the proxy attaches to it, and everything after it goes to
 * the CLI as the plugin's output.
 */
function attachWhenListening(proxy: PolicyProxy, stdout: Readable, output: PluginOutput): void {
  let firstLine = "";
  let attached = false;
  stdout.on("data", (chunk: Buffer) => {
    if (attached) {
      output.stdout(chunk);
      return;
    }
    firstLine += chunk.toString("utf8");
    const newline = firstLine.indexOf("\n");
    if (newline < 0) return;
    attached = true;
    const rest = firstLine.slice(newline + 1);
    const port = Number.parseInt(firstLine.slice(0, newline).trim(), 10);
    if (rest !== "") output.stdout(Buffer.from(rest));
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      proxy.fail(new Error(`could not read policy pack port: ${JSON.stringify(firstLine.slice(0, newline))}`));
      return;
    }
    proxy.attach(port).catch((error: Error) => proxy.fail(error));
  });
  stdout.once("end", () => {
    if (!attached) proxy.fail(new Error("could not read policy pack port: EOF"));
  });
}
