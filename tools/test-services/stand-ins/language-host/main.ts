/**
 * Entry point of the stand-in `pulumi-language-nodejs`. The CLI starts it as
 *   pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] [-runtime nodejs] <engine address>
 * in the project directory; it serves pulumirpc.LanguageRuntime on a loopback port and prints that port
 * as the only line on stdout (everything the programs print comes after). Flags as upstream's main:
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 */
import * as grpc from "@grpc/grpc-js";
import { allExited, interruptAll } from "./children";
import { watchEngine } from "./engine-health";
import { LANGUAGE_HOST_VERSION, languageRpc, languageRuntimeService } from "./language-runtime-service";

/** Flags that take a value; Go's flag package also accepts -name=value and --name. */
const VALUE_FLAGS = new Set(["tracing", "runtime", "v", "log_dir", "vmodule", "log_backtrace_at", "stderrthreshold"]);
/** Programs' resource graphs can be large; upstream's gRPC limit is 400 MiB too. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

export interface CommandLine {
  flags: Map<string, string>;
  positional: string[];
}

export function parseCommandLine(args: readonly string[]): CommandLine {
  const flags = new Map<string, string>();
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    const body = arg.replace(/^--?/, "");
    const equals = body.indexOf("=");
    if (equals >= 0) flags.set(body.slice(0, equals), body.slice(equals + 1));
    else if (VALUE_FLAGS.has(body)) {
      const value = args[++i];
      if (value === undefined) throw new Error(`flag needs an argument: -${body}`);
      flags.set(body, value);
    } else flags.set(body, "true");
  }
  return { flags, positional: args.slice(i) };
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

function main(): void {
  let commandLine: CommandLine;
  try {
    commandLine = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    fail((error as Error).message);
  }
  const { flags, positional } = commandLine;
  if (flags.get("version") === "true") {
    process.stdout.write(`${LANGUAGE_HOST_VERSION}\n`);
    return;
  }
  const runtime = flags.get("runtime") ?? "nodejs";
  if (runtime !== "nodejs") fail(`unsupported runtime: ${runtime} (the stand-in pulumi-language-nodejs runs only nodejs)`);

  const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES, "grpc.max_send_message_length": MAX_MESSAGE_BYTES });
  let stopWatching: (() => void) | undefined;
  const stop = () => {
    stopWatching?.();
    interruptAll();
    void allExited().then(() => {
      server.forceShutdown();
      process.exit(0);
    });
  };
  const watch = (address: string) => {
    stopWatching?.();
    if (address !== "") stopWatching = watchEngine(address, stop);
  };
  const settings = { engineAddress: positional[0] ?? "", tracing: flags.get("tracing") ?? "", onEngineAddress: watch };
  watch(settings.engineAddress);
  server.addService(languageRpc.LanguageRuntimeService, languageRuntimeService(settings));
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) fail(`could not start language host RPC server: ${error.message}`);
    // The one line the CLI reads to find us.
    process.stdout.write(`${port}\n`);
  });
  // The CLI stops plugins with SIGINT (then SIGKILL): stop the programs and plugins started here too.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main();
