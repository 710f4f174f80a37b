/**
 * The pulumirpc.LanguageRuntime service of the stand-in host: decodes each request, calls the function
 * that does the work, and encodes its answer. What each RPC does, and what it leaves out, is in README.md.
 * Protocol: https://github.com/pulumi/pulumi/blob/v3.248.0/proto/pulumi/language.proto
 */
import * as grpc from "@grpc/grpc-js";
import languageRpc from "@pulumi/pulumi/proto/language_grpc_pb";
import language from "@pulumi/pulumi/proto/language_pb";
import plugin from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { interruptAll } from "./children";
import {
  aboutRuntime,
  checkDependenciesInstalled,
  programDependencies,
  resolvePackageManager,
} from "./program-dependencies";
import { type RequiredPackage, findRequiredPackages, incompatibleSdkWarning } from "./required-packages";
import { runPlugin } from "./run-plugin";
import { runProgram } from "./run-program";
import { parseRuntimeOptions } from "./runtime-options";

/** The upstream version this host stands in for (the @pulumi/pulumi SDK and CLI in package.json). */
export const LANGUAGE_HOST_VERSION = "3.248.0";

export interface HostSettings {
  /** The engine's address: from the command line, or from Handshake. */
  engineAddress: string;
  tracing: string;
  /** Called with the engine's address when it is first known (to watch its health). */
  onEngineAddress: (address: string) => void;
}

interface ProgramInfoFields {
  rootDirectory: string;
  programDirectory: string;
  entryPoint: string;
  options: Record<string, unknown>;
}

function infoOf(info: language.ProgramInfo | undefined, fallbackDirectory = ""): ProgramInfoFields {
  return {
    rootDirectory: info?.getRootDirectory() ?? fallbackDirectory,
    programDirectory: info?.getProgramDirectory() || fallbackDirectory,
    entryPoint: info?.getEntryPoint() || ".",
    options: info?.getOptions()?.toJavaScript() ?? {},
  };
}

/** A unary handler whose thrown errors reach the CLI as their message (gRPC status UNKNOWN, like Go's). */
function unary<Request, Response>(work: (request: Request, call: grpc.ServerUnaryCall<Request, Response>) => Promise<Response> | Response) {
  return (call: grpc.ServerUnaryCall<Request, Response>, callback: grpc.sendUnaryData<Response>) => {
    Promise.resolve()
      .then(() => work(call.request, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const grpcError = error as Partial<grpc.ServiceError>;
          callback({ code: grpcError.code ?? grpc.status.UNKNOWN, details: grpcError.message ?? String(error) });
        },
      );
  };
}

function unimplemented(method: string) {
  return unary<unknown, never>(() => {
    throw Object.assign(new Error(`method ${method} not implemented by the stand-in pulumi-language-nodejs`), {
      code: grpc.status.UNIMPLEMENTED,
    });
  });
}

/** Aborted when the RPC ends early (the CLI cancelled it or went away). */
function cancellationOf(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): AbortSignal {
  const controller = new AbortController();
  call.on("cancelled", () => controller.abort());
  return controller.signal;
}

/** Ends a server stream with an error status, after the messages already written (grpc-js sends it on "error"). */
function failStream(call: grpc.ServerWritableStream<unknown, unknown>, message: string): void {
  call.emit("error", { code: grpc.status.UNKNOWN, details: message });
}

function requireEngine(settings: HostSettings): string {
  if (settings.engineAddress === "") {
    throw new Error("when debugging or running explicitly, must call Handshake before Run");
  }
  return settings.engineAddress;
}

function requiredPackages(programDirectory: string): RequiredPackage[] {
  const found = findRequiredPackages(programDirectory);
  const warning = incompatibleSdkWarning(found.pulumiSdkVersions);
  if (warning) process.stderr.write(warning);
  return found.packages;
}

export function languageRuntimeService(settings: HostSettings): languageRpc.ILanguageRuntimeServer {
  return {
    handshake: unary((request: language.LanguageHandshakeRequest) => {
      settings.engineAddress = request.getEngineAddress();
      settings.onEngineAddress(settings.engineAddress);
      return new language.LanguageHandshakeResponse();
    }),

    getRequiredPackages: unary((request: language.GetRequiredPackagesRequest) => {
      const response = new language.GetRequiredPackagesResponse();
      for (const found of requiredPackages(infoOf(request.getInfo()).programDirectory)) {
        const dependency = new plugin.PackageDependency().setName(found.name).setKind(found.kind).setVersion(found.version).setServer(found.server);
        if (found.parameterization) {
          const { name, version, value } = found.parameterization;
          dependency.setParameterization(new plugin.PackageParameterization().setName(name).setVersion(version).setValue(value));
        }
        response.addPackages(dependency);
      }
      return response;
    }),

    // Deprecated in the protocol (upstream 3.248 answers Unimplemented); older CLIs call it.
    getRequiredPlugins: unary((request: language.GetRequiredPluginsRequest) => {
      const response = new language.GetRequiredPluginsResponse();
      const directory = infoOf(request.getInfo(), request.getProgram() || request.getPwd()).programDirectory;
      for (const found of requiredPackages(directory)) {
        response.addPlugins(new plugin.PluginDependency().setName(found.name).setKind(found.kind).setVersion(found.version).setServer(found.server));
      }
      return response;
    }),

    run: unary(async (request: language.RunRequest, call) => {
      const info = infoOf(request.getInfo(), request.getPwd());
      const outcome = await runProgram(
        {
          engineAddress: requireEngine(settings),
          tracing: settings.tracing,
          monitorAddress: request.getMonitorAddress(),
          organization: request.getOrganization(),
          project: request.getProject(),
          stack: request.getStack(),
          rootDirectory: info.rootDirectory,
          programDirectory: info.programDirectory,
          entryPoint: request.getInfo() ? info.entryPoint : request.getProgram() || ".",
          dryRun: request.getDryrun(),
          parallel: request.getParallel(),
          args: request.getArgsList(),
          config: request.getConfigMap().toArray(),
          configSecretKeys: request.getConfigsecretkeysList(),
          options: info.options,
          attachDebugger: request.getAttachDebugger(),
        },
        cancellationOf(call),
      );
      return new language.RunResponse().setError(outcome.error).setBail(outcome.bail);
    }),

    getPluginInfo: unary(() => new plugin.PluginInfo().setVersion(LANGUAGE_HOST_VERSION)),

    installDependencies: (call: grpc.ServerWritableStream<language.InstallDependenciesRequest, language.InstallDependenciesResponse>) => {
      const info = infoOf(call.request.getInfo(), call.request.getDirectory());
      const say = (text: string) => call.write(new language.InstallDependenciesResponse().setStdout(Buffer.from(text)));
      try {
        say("Installing dependencies...\n\n");
        say(checkDependenciesInstalled(info.programDirectory, call.request.getIsPlugin()));
        say("Finished installing dependencies\n\n");
        call.end();
      } catch (error) {
        failStream(call, (error as Error).message);
      }
    },

    // Only `pulumi new` asks; the stand-in has no prompts.
    runtimeOptionsPrompts: unary(() => new language.RuntimeOptionsResponse()),

    template: unary(() => new language.TemplateResponse()),

    about: unary((request: language.AboutRequest) => {
      const info = infoOf(request.getInfo());
      const options = parseRuntimeOptions(info.options);
      const about = aboutRuntime(resolvePackageManager(options.packagemanager, info.programDirectory));
      const response = new language.AboutResponse().setExecutable(about.executable).setVersion(about.version);
      for (const [key, value] of Object.entries(about.metadata)) response.getMetadataMap().set(key, value);
      return response;
    }),

    getProgramDependencies: unary((request: language.GetProgramDependenciesRequest) => {
      const info = infoOf(request.getInfo(), request.getPwd());
      const response = new language.GetProgramDependenciesResponse();
      for (const dependency of programDependencies(info.programDirectory, request.getTransitivedependencies())) {
        response.addDependencies(new language.DependencyInfo().setName(dependency.name).setVersion(dependency.version));
      }
      return response;
    }),

    runPlugin: (call: grpc.ServerWritableStream<language.RunPluginRequest, language.RunPluginResponse>) => {
      const request = call.request;
      const info = infoOf(request.getInfo(), request.getProgram());
      const send = (response: language.RunPluginResponse) => {
        if (!call.cancelled && !call.destroyed) call.write(response);
      };
      const run = async () =>
        runPlugin(
          {
            engineAddress: requireEngine(settings),
            pwd: request.getPwd(),
            args: request.getArgsList(),
            env: request.getEnvList(),
            programDirectory: info.programDirectory,
            options: info.options,
            kind: request.getKind(),
            attachDebugger: request.getAttachDebugger(),
          },
          {
            stdout: (chunk) => send(new language.RunPluginResponse().setStdout(chunk)),
            stderr: (chunk) => send(new language.RunPluginResponse().setStderr(chunk)),
          },
          cancellationOf(call),
        );
      run().then(
        () => call.end(),
        (error: Error) => failStream(call, error.message),
      );
    },

    generateProgram: unimplemented("GenerateProgram"),
    generateProject: unimplemented("GenerateProject"),
    generatePackage: unimplemented("GeneratePackage"),
    pack: unimplemented("Pack"),
    link: unimplemented("Link"),

    cancel: unary(() => {
      interruptAll();
      return new Empty();
    }),
  };
}

export { languageRpc };
