/**
 * The installed stand-in host, started as the CLI starts it and spoken to over gRPC (no CLI needed):
 * start-up, version, plugin discovery on the repository's own node_modules, and the answers for the
 * RPCs the e2e test cannot easily reach.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import languageRpc from "@pulumi/pulumi/proto/language_grpc_pb";
import language from "@pulumi/pulumi/proto/language_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../../../repository-root";
import { installLanguageHost } from "./install";

let workDir: string;
let host: ChildProcess;
let client: languageRpc.LanguageRuntimeClient;
let hostStderr = "";

interface PackageJson {
  name: string;
  version: string;
  pulumi?: { resource?: boolean };
}

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;
function rpc<Response>(send: (callback: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) => send((error, response) => (error ? reject(error) : resolve(response))));
}

function programInfo(directory: string): language.ProgramInfo {
  return new language.ProgramInfo().setRootDirectory(directory).setProgramDirectory(directory).setEntryPoint(".");
}

function readStream<T>(stream: grpc.ClientReadableStream<T>): Promise<{ messages: T[]; error?: grpc.ServiceError }> {
  const messages: T[] = [];
  return new Promise((resolve) => {
    stream.on("data", (message: T) => messages.push(message));
    stream.on("error", (error: grpc.ServiceError) => resolve({ messages, error }));
    stream.on("end", () => resolve({ messages }));
  });
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "language-host-"));
  const executable = installLanguageHost(path.join(workDir, "bin"));
  // No engine address: like a host started for debugging, before Handshake.
  host = spawn(executable, [], { cwd: workDir, stdio: ["ignore", "pipe", "pipe"] });
  host.stderr!.on("data", (chunk: Buffer) => (hostStderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    host.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString()));
    host.once("exit", (code) => reject(new Error(`the language host exited with ${code}: ${hostStderr}`)));
  });
  expect(port).toMatch(/^\d+\n$/);
  client = new languageRpc.LanguageRuntimeClient(`127.0.0.1:${port.trim()}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  host?.kill("SIGINT");
  rmSync(workDir, { recursive: true, force: true });
});

describe("the stand-in pulumi-language-nodejs", () => {
  it("reports the version of the @pulumi/pulumi it stands in for", async () => {
    const sdk = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8"));
    const info = await rpc<{ getVersion(): string }>((callback) => client.getPluginInfo(new Empty(), callback));
    expect(info.getVersion()).toBe(sdk.version);
  });

  it("finds every provider package installed in the repository, with its version", async () => {
    const expected = readdirSync(path.join(REPOSITORY_ROOT, "node_modules/@pulumi"))
      .map((name) => JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "node_modules/@pulumi", name, "package.json"), "utf8")) as PackageJson)
      .filter((manifest) => manifest.pulumi?.resource === true)
      .map((manifest) => `${manifest.name.replace("@pulumi/", "")} v${manifest.version}`)
      .sort();
    const request = new language.GetRequiredPackagesRequest().setInfo(programInfo(REPOSITORY_ROOT));
    const response = await rpc<language.GetRequiredPackagesResponse>((callback) => client.getRequiredPackages(request, callback));
    const found = [...new Set(response.getPackagesList().map((p) => `${p.getName()} ${p.getVersion()}`))].sort();
    expect(found).toEqual(expected);
    expect(found).toContain("gcp v9.37.0");
    expect(found).toContain("kubernetes v4.34.2");
    expect(response.getPackagesList().every((p) => p.getKind() === "resource")).toBe(true);
  }, 60_000);

  it("answers InstallDependencies without installing: fine where node_modules is, a clear error where not", async () => {
    const installed = await readStream(
      client.installDependencies(new language.InstallDependenciesRequest().setInfo(programInfo(REPOSITORY_ROOT))),
    );
    expect(installed.error).toBeUndefined();
    expect(installed.messages.map((m) => Buffer.from(m.getStdout_asU8()).toString()).join("")).toContain("installs nothing");

    const missing = await readStream(client.installDependencies(new language.InstallDependenciesRequest().setInfo(programInfo(workDir))));
    expect(missing.error?.details).toContain(`@pulumi/pulumi cannot be found from ${workDir}: run npm install there`);
  });

  it("refuses to run a program before it knows the engine", async () => {
    const request = new language.RunRequest().setInfo(programInfo(REPOSITORY_ROOT)).setMonitorAddress("127.0.0.1:1");
    await expect(rpc((callback) => client.run(request, callback))).rejects.toThrow("must call Handshake before Run");
  });

  it("says which RPCs it does not implement", async () => {
    await expect(rpc((callback) => client.pack(new language.PackRequest(), callback))).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });
});
