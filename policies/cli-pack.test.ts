/**
 * The policy pack as the Pulumi CLI runs it, without the CLI: this folder is started by Pulumi's
 * own policy-pack runner (@pulumi/pulumi/cmd/run-policy-pack, which compiles index.ts with
 * ts-node and serves the PolicyPack over gRPC), and driven through the analyzer protocol the CLI
 * speaks: GetAnalyzerInfo, Configure (with the dev profile), Analyze and AnalyzeStack. Every
 * example's verdicts must equal what the plan's runner reports for the same resources.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allCases } from "./all.cases";
import { ENFORCEMENT, enforcementOf, policyConfigOf } from "./enforcement";
import { UNKNOWN_SENTINEL } from "./lib/unknowns";
import { policies } from "./registry";
import { type PolicySubject, evaluatePolicies } from "./runner";

const RUNNER = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
const LEVELS: Record<number, string> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
};

let pack: ChildProcess;
let client: analyzerRpc.AnalyzerClient;

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

function rpc<Response>(send: (callback: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) => send((error, response) => (error ? reject(error) : resolve(response))));
}

beforeAll(async () => {
  pack = spawn(process.execPath, [RUNNER, "127.0.0.1:0", "."], { cwd: __dirname, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  pack.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    pack.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    pack.once("exit", (code) => reject(new Error(`the policy pack exited with ${code}: ${stderr}`)));
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  // The CLI sends the pack config with "all" already applied to each policy.
  const configure = new analyzer.ConfigureAnalyzerRequest();
  for (const policy of policies) {
    const entry = new analyzer.PolicyConfig();
    entry.setEnforcementlevel(enforcementOf(policy, ENFORCEMENT.dev) === "advisory" ? analyzer.EnforcementLevel.ADVISORY : analyzer.EnforcementLevel.MANDATORY);
    entry.setProperties(Struct.fromJavaScript(policyConfigOf(policy, ENFORCEMENT.dev) as Parameters<typeof Struct.fromJavaScript>[0]));
    configure.getPolicyconfigMap().set(policy.name, entry);
  }
  await rpc((callback) => client.configure(configure, callback));
}, 60_000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

/** Unknowns as the engine sends them: the sentinel string. */
function wire(value: unknown): unknown {
  if (value === undefined) return UNKNOWN_SENTINEL;
  if (Array.isArray(value)) return value.map(wire);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, wire(item)]));
}

const struct = (value: object) => Struct.fromJavaScript(wire(value) as Parameters<typeof Struct.fromJavaScript>[0]);

function options(): analyzer.AnalyzerResourceOptions {
  const opts = new analyzer.AnalyzerResourceOptions();
  opts.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
  return opts;
}

function providerOf(subject: PolicySubject): analyzer.AnalyzerProviderResource | undefined {
  if (!subject.provider) return undefined;
  const provider = new analyzer.AnalyzerProviderResource();
  provider.setType(subject.provider.type);
  provider.setName(subject.provider.name);
  provider.setUrn(subject.provider.urn);
  provider.setProperties(struct(subject.provider.inputs));
  return provider;
}

/** AnalyzeRequest (one resource) and AnalyzerResource (in AnalyzeStack) describe a resource alike. */
interface ResourceMessage {
  setType(value: string): unknown;
  setUrn(value: string): unknown;
  setName(value: string): unknown;
  setProperties(value?: Struct): unknown;
  setOptions(value?: analyzer.AnalyzerResourceOptions): unknown;
  setProvider(value?: analyzer.AnalyzerProviderResource): unknown;
}

function describeTo<Message extends ResourceMessage>(message: Message, subject: PolicySubject): Message {
  message.setType(subject.type);
  message.setUrn(subject.urn);
  message.setName(subject.name);
  message.setProperties(struct(subject.inputs));
  message.setOptions(options());
  message.setProvider(providerOf(subject));
  return message;
}

type Verdict = { policy: string; enforcement: string; urn: string; message: string };

/** The CLI prefixes each message with the policy description, and words "can't run" its own way. */
function comparable(verdict: Verdict): string {
  const unknown = /can't be known during preview$/.exec(verdict.message) ? verdict.message.slice(verdict.message.lastIndexOf(": ") + 2) : undefined;
  return JSON.stringify({ ...verdict, message: unknown ?? verdict.message.slice(verdict.message.indexOf("\n") + 1) });
}

async function viaPack(subjects: readonly PolicySubject[]): Promise<string[]> {
  const verdicts: Verdict[] = [];
  const collect = (urn: string, diagnostics: analyzer.AnalyzeDiagnostic[]) =>
    diagnostics.forEach((diagnostic) =>
      verdicts.push({ policy: diagnostic.getPolicyname(), enforcement: LEVELS[diagnostic.getEnforcementlevel()]!, urn: diagnostic.getUrn() || urn, message: diagnostic.getMessage() }),
    );
  const stackRequest = new analyzer.AnalyzeStackRequest();
  for (const subject of subjects) {
    const request = describeTo(new analyzer.AnalyzeRequest(), subject);
    collect(subject.urn, (await rpc<analyzer.AnalyzeResponse>((callback) => client.analyze(request, callback))).getDiagnosticsList());
    stackRequest.addResources(describeTo(new analyzer.AnalyzerResource(), subject).setDependenciesList([...(subject.dependencies ?? [])]));
  }
  collect("", (await rpc<analyzer.AnalyzeResponse>((callback) => client.analyzeStack(stackRequest, callback))).getDiagnosticsList());
  return verdicts.map(comparable).sort();
}

async function viaPlan(subjects: readonly PolicySubject[]): Promise<string[]> {
  const findings = await evaluatePolicies(policies, subjects, ENFORCEMENT.dev);
  return findings
    .map((finding) => ({
      policy: finding.policy.name,
      enforcement: finding.enforcement,
      urn: finding.urn ?? "",
      message: finding.cannotRun ? finding.message.slice("can't run during preview: ".length) : finding.message,
    }))
    .map(comparable)
    .sort();
}

describe("the policy pack served to the Pulumi CLI", () => {
  it("describes every policy with its severity, remediation and source", async () => {
    const info = await rpc<analyzer.AnalyzerInfo>((callback) => client.getAnalyzerInfo(new Empty(), callback));
    expect(info.getName()).toBe("armature-guardrails");
    const served = info.getPoliciesList();
    expect(served.map((policy) => policy.getName()).sort()).toEqual(policies.map((policy) => policy.name).sort());
    for (const policy of served) {
      expect(policy.getRemediationSteps(), policy.getName()).not.toBe("");
      expect(policy.getFramework()?.getReference(), policy.getName()).toBeTruthy();
      expect(policy.getSeverity(), policy.getName()).not.toBe(analyzer.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED);
    }
  });

  const examples = allCases.flatMap((cases) => [...cases.passes, ...cases.violations].map((example) => [`${cases.policy.name}: ${example.name}`, example] as const));

  it.each(examples.filter(([, example]) => example.config === undefined))("gives the plan's verdicts for %s", async (_title, example) => {
    expect(await viaPack(example.subjects)).toEqual(await viaPlan(example.subjects));
  });
});
