/**
 * The stand-in providers as the engine runs them. First over gRPC alone: the installed
 * `pulumi-resource-random` is started as the engine starts a plugin (it prints its port) and driven
 * through Handshake, GetPluginInfo, Configure, Check, Create and Diff. Then under the real Pulumi CLI
 * (the project's own build, tools/test-services/engine) with the stand-in language host: a small program
 * using @pulumi/random, @pulumi/tls and @pulumi/gcp (a service account and a GKE cluster) is previewed,
 * brought up, read back with `stack output` and `stack export`, changed, refreshed against simulated
 * drift, and destroyed, with plugins only from a temporary PULUMI_HOME and a file backend.
 *
 * The Kubernetes provider is installed too (the real one, from the same build), though unused here.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate, createPublicKey } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type plugin from "@pulumi/pulumi/proto/plugin_pb";
import providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import provider from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../../../repository-root";
import { installLanguageHost } from "../language-host/install";
import { ensureEngine } from "../../engine/ensure-engine";
import { createSelfSignedCert } from "./certificates";
import { installPlugins } from "./install";
import { generateKey } from "./keys";
import { PACKAGE_VERSIONS } from "./versions";
import { SECRET_SIGNATURE, SIGNATURE_KEY } from "./wire";

let work: string;
let pulumiHome: string;
let binDir: string;
let failed = false;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "standin-providers-e2e-"));
  pulumiHome = path.join(work, "home");
  binDir = path.join(work, "bin");
  const engine = await ensureEngine();
  installPlugins({ pulumiHome, binDir, kubernetesProvider: { path: engine.kubernetesProvider, version: engine.kubernetesProviderVersion } });
}, 120_000);

afterAll(() => {
  if (failed) process.stderr.write(`providers e2e: the CLI transcript and project are kept in ${work} (cli.log)\n`);
  else if (work) rmSync(work, { recursive: true, force: true });
});

function track<T>(test: () => Promise<T>): () => Promise<T> {
  return async () => {
    try {
      return await test();
    } catch (error) {
      failed = true;
      throw error;
    }
  };
}

describe("installPlugins", () => {
  it("puts every plugin where the CLI looks for it, with nothing marking an unfinished install", () => {
    for (const [name, version] of [...Object.entries(PACKAGE_VERSIONS), ["kubernetes", "4.34.2"] as const]) {
      const dir = path.join(pulumiHome, "plugins", `resource-${name}-v${version}`);
      const executable = path.join(dir, `pulumi-resource-${name}`);
      expect(statSync(executable).mode & 0o111, executable).not.toBe(0);
      expect(existsSync(`${dir}.partial`)).toBe(false);
    }
    expect(PACKAGE_VERSIONS["gcp"]).toBe(JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "node_modules/@pulumi/gcp/package.json"), "utf8")).version);
    expect(statSync(path.join(binDir, "gke-gcloud-auth-plugin")).mode & 0o111).not.toBe(0);
  });
});

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;
const rpc = <Response>(send: (callback: Callback<Response>) => unknown) =>
  new Promise<Response>((resolve, reject) => send((error, response) => (error ? reject(error) : resolve(response))));
const struct = (value: object) => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);

describe("an installed stand-in over gRPC, started as the engine starts it", () => {
  let child: ChildProcess;
  let client: providerRpc.ResourceProviderClient;

  beforeAll(async () => {
    const executable = path.join(pulumiHome, "plugins", `resource-random-v${PACKAGE_VERSIONS["random"]}`, "pulumi-resource-random");
    child = spawn(executable, ["127.0.0.1:1", "--logtostderr", "-v=9"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
      });
      child.once("exit", (code) => reject(new Error(`the provider exited with ${code}: ${stderr}`)));
    });
    expect(firstLine).toMatch(/^\d+$/);
    client = new providerRpc.ResourceProviderClient(`127.0.0.1:${firstLine}`, grpc.credentials.createInsecure());
  }, 60_000);

  afterAll(() => {
    client?.close();
    child?.kill();
  });

  it("answers the handshake and reports the package's version", async () => {
    const handshake = await rpc<provider.ProviderHandshakeResponse>((callback) => client.handshake(new provider.ProviderHandshakeRequest().setEngineAddress("127.0.0.1:1"), callback));
    expect(handshake.getAcceptSecrets()).toBe(true);
    const info = await rpc<plugin.PluginInfo>((callback) => client.getPluginInfo(new Empty(), callback));
    expect(info.getVersion()).toBe(PACKAGE_VERSIONS["random"]);
    const configured = await rpc<provider.ConfigureResponse>((callback) => client.configure(new provider.ConfigureRequest().setArgs(struct({})).setAcceptsecrets(true), callback));
    expect(configured.getAcceptsecrets()).toBe(true);
  });

  it("creates a password whose result is a secret, and diffs changed keys", async () => {
    const type = "random:index/randomPassword:RandomPassword";
    const urn = `urn:pulumi:dev::e2e::${type}::pw`;
    const checked = await rpc<provider.CheckResponse>((callback) => client.check(new provider.CheckRequest().setUrn(urn).setType(type).setNews(struct({ length: 24, special: false })), callback));
    const inputs = checked.getInputs()!.toJavaScript();
    expect(inputs).toEqual({ length: 24, special: false });
    const created = await rpc<provider.CreateResponse>((callback) => client.create(new provider.CreateRequest().setUrn(urn).setType(type).setProperties(struct(inputs)), callback));
    const outputs = created.getProperties()!.toJavaScript() as Record<string, Record<string, string>>;
    expect(outputs["result"]![SIGNATURE_KEY]).toBe(SECRET_SIGNATURE);
    expect(outputs["result"]!["value"]).toMatch(/^[A-Za-z0-9]{24}$/);

    const diff = await rpc<provider.DiffResponse>((callback) =>
      client.diff(new provider.DiffRequest().setUrn(urn).setType(type).setId(created.getId()).setOlds(created.getProperties()).setOldInputs(struct(inputs)).setNews(struct({ length: 30, special: false })), callback),
    );
    expect(diff.getChanges()).toBe(provider.DiffResponse.DiffChanges.DIFF_SOME);
    expect(diff.getDiffsList()).toEqual(["length"]);
    expect(diff.getReplacesList()).toEqual(["length"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Under the real CLI.

const PROGRAM = `import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";

const config = new pulumi.Config();
const password = new random.RandomPassword("db", { length: 20, special: false });
const suffix = new random.RandomId("suffix", { byteLength: 3 });
const key = new tls.PrivateKey("ca", { algorithm: "ECDSA", ecdsaCurve: "P256" });
const ca = new tls.SelfSignedCert("ca", {
  privateKeyPem: pulumi.secret(key.privateKeyPem),
  isCaCertificate: true,
  allowedUses: ["cert_signing", "crl_signing"],
  validityPeriodHours: 24,
  subject: { commonName: "e2e CA", organization: "Armature" },
});
const gcpProvider = new gcp.Provider("gcp", { project: "e2e-project", region: "europe-west1" });
const account = new gcp.serviceaccount.Account("app", {
  accountId: pulumi.interpolate\`app-\${suffix.hex}\`,
  displayName: config.get("displayName") ?? "The app",
}, { provider: gcpProvider });
const cluster = new gcp.container.Cluster("services", {
  name: "e2e-services",
  location: "europe-west1",
  initialNodeCount: 1,
  deletionProtection: false,
}, { provider: gcpProvider });

export const passwordValue = password.result;
export const suffixHex = suffix.hex;
export const publicKeyPem = key.publicKeyPem;
export const caCertPem = ca.certPem;
export const email = account.email;
export const endpoint = cluster.endpoint;
export const clusterCa = cluster.masterAuth.apply((auth) => Buffer.from(auth.clusterCaCertificate ?? "", "base64").toString());
`;

describe("the stand-in providers under the real Pulumi CLI", () => {
  let pulumi: string;
  let env: NodeJS.ProcessEnv;
  let project: string;
  let recordDir: string;
  let clusterCa: string;
  const driftFile = () => path.join(work, "drift.json");

  const cli = (args: string[], allowFailure = false) =>
    new Promise<{ code: number | null; stdout: string; transcript: string }>((resolve, reject) => {
      const child = spawn(pulumi, [...args, "--non-interactive", "--color", "never"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("error", reject);
      child.once("close", (code) => {
        const transcript = `$ pulumi ${args.join(" ")}  -> exit ${code}\n${stdout}\n${stderr}\n`;
        appendFileSync(path.join(work, "cli.log"), transcript);
        if (code !== 0 && !allowFailure) reject(new Error(transcript.slice(-6000)));
        else resolve({ code, stdout, transcript });
      });
    });

  const records = (name: string) => {
    const file = path.join(recordDir, `${name}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { operation: string; type: string; urn: string; preview: boolean; inputs: Record<string, unknown> });
  };

  beforeAll(async () => {
    pulumi = (await ensureEngine()).pulumi;
    installLanguageHost(binDir);
    project = path.join(work, "project");
    recordDir = path.join(work, "records");
    mkdirSync(project, { recursive: true });
    mkdirSync(path.join(work, "state"));
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: standin-e2e\nruntime:\n  name: nodejs\n  options: {\"typescript\": true}\nmain: index.ts\n");
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "standin-e2e", private: true }));
    writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true, skipLibCheck: true, types: ["node"] } }));
    writeFileSync(path.join(project, "index.ts"), PROGRAM);
    symlinkSync(path.join(REPOSITORY_ROOT, "node_modules"), path.join(project, "node_modules"));

    // The cluster's "API server": only its address and CA travel through the program here.
    const caKey = generateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    clusterCa = (await createSelfSignedCert({ privateKeyPem: caKey.privateKeyPem, subject: { commonName: "local-apiserver-ca" }, validityPeriodHours: 1, allowedUses: ["cert_signing"], isCaCertificate: true })).certPem;
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PULUMI_|ARMATURE_STANDIN_)/.test(name)));
    env = {
      ...inherited,
      PATH: [binDir, process.env["PATH"] ?? ""].join(path.delimiter),
      PULUMI_HOME: pulumiHome,
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      ARMATURE_STANDIN_GKE_CLUSTERS: JSON.stringify([{ nameSuffix: "-services", endpoint: "127.0.0.1:16443", caCertificate: clusterCa }]),
      ARMATURE_STANDIN_KUBE_TOKEN: "e2e-token",
      ARMATURE_STANDIN_RECORD_DIR: recordDir,
      ARMATURE_STANDIN_DRIFT_FILE: driftFile(),
    };
    writeFileSync(driftFile(), "{}");
    await cli(["stack", "init", "dev"]);
  }, 180_000);

  it(
    "previews, then brings up real values: a secret password, a verifiable CA, GCP outputs, the local cluster",
    track(async () => {
      const preview = await cli(["preview"]);
      expect(preview.stdout).toMatch(/\d+ to create/);
      expect(records("random").every((record) => record.preview)).toBe(true);

      await cli(["up", "--yes", "--skip-preview"]);
      const { stdout } = await cli(["stack", "output", "--json", "--show-secrets"]);
      const outputs = JSON.parse(stdout) as Record<string, string>;
      expect(outputs["passwordValue"]).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(outputs["suffixHex"]).toMatch(/^[0-9a-f]{6}$/);
      expect(outputs["email"]).toBe(`app-${outputs["suffixHex"]}@e2e-project.iam.gserviceaccount.com`);
      expect(outputs["endpoint"]).toBe("127.0.0.1:16443");
      expect(outputs["clusterCa"]).toBe(clusterCa);
      const ca = new X509Certificate(outputs["caCertPem"]!);
      expect(ca.ca).toBe(true);
      expect(ca.verify(createPublicKey(outputs["publicKeyPem"]!))).toBe(true);

      // Without --show-secrets the password stays hidden, and the state holds it encrypted.
      const hidden = JSON.parse((await cli(["stack", "output", "--json"])).stdout) as Record<string, string>;
      expect(hidden["passwordValue"]).toBe("[secret]");
      const exported = (await cli(["stack", "export"])).stdout;
      expect(exported).not.toContain(outputs["passwordValue"]);
      const state = JSON.parse(exported) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
      const key = state.deployment.resources.find((resource) => resource.type === "tls:index/privateKey:PrivateKey")!;
      expect(key.outputs!["privateKeyPem"]).toMatchObject({ [SIGNATURE_KEY]: SECRET_SIGNATURE });

      const created = records("gcp").filter((record) => record.operation === "create" && !record.preview).map((record) => record.type);
      expect(created.sort()).toEqual(["gcp:container/cluster:Cluster", "gcp:serviceaccount/account:Account"]);
      expect(readFileSync(path.join(recordDir, "random.jsonl"), "utf8")).not.toContain(outputs["passwordValue"]);
    }),
    600_000,
  );

  it(
    "shows no changes for an unchanged program, updates a changed input in place, and finds drift on refresh",
    track(async () => {
      await cli(["preview", "--expect-no-changes"]);

      await cli(["config", "set", "displayName", "Renamed app"]);
      const up = await cli(["up", "--yes", "--skip-preview"]);
      expect(up.stdout).toMatch(/1 updated/);
      const updates = records("gcp").filter((record) => record.operation === "update" && !record.preview);
      expect(updates.map((record) => [record.type, record.inputs["displayName"]])).toEqual([["gcp:serviceaccount/account:Account", "Renamed app"]]);

      const state = JSON.parse((await cli(["stack", "export"])).stdout) as { deployment: { resources: { type: string; urn: string }[] } };
      const accountUrn = state.deployment.resources.find((resource) => resource.type === "gcp:serviceaccount/account:Account")!.urn;
      writeFileSync(driftFile(), JSON.stringify({ [accountUrn]: { displayName: "Changed in the console" } }));
      const drifted = await cli(["preview", "--refresh", "--expect-no-changes"], true);
      expect(drifted.code, drifted.transcript).not.toBe(0);
      expect(drifted.stdout).toMatch(/~ .*gcp:serviceaccount:Account.*app.*update|1 to update/);
      writeFileSync(driftFile(), "{}");
    }),
    600_000,
  );

  it(
    "destroys everything",
    track(async () => {
      await cli(["destroy", "--yes", "--skip-preview"]);
      const deleted = [...records("gcp"), ...records("random"), ...records("tls")].filter((record) => record.operation === "delete");
      expect(deleted.map((record) => record.type).sort()).toEqual([
        "gcp:container/cluster:Cluster",
        "gcp:serviceaccount/account:Account",
        "random:index/randomId:RandomId",
        "random:index/randomPassword:RandomPassword",
        "tls:index/privateKey:PrivateKey",
        "tls:index/selfSignedCert:SelfSignedCert",
      ]);
      const state = JSON.parse((await cli(["stack", "export"])).stdout) as { deployment: { resources?: unknown[] } };
      expect(state.deployment.resources ?? []).toEqual([]);
    }),
    600_000,
  );
});
