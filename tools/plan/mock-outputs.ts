/**
 * What the mock "cloud" answers: provider-computed outputs for the resource types whose outputs the
 * program wires onward (endpoints, addresses, generated passwords), and the data-source calls it
 * makes. Everything else stays as registered; values absent here are unknown, as in a real preview.
 */
import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

type Outputs = Record<string, unknown>;
type OutputFactory = (args: pulumi.runtime.MockResourceArgs) => Outputs;

/** A fresh value per run, so a test can prove generated secrets never reach the plan text. */
const runSecret = (length: number) => randomBytes(length).toString("base64url").slice(0, length);

const OUTPUTS: Record<string, OutputFactory> = {
  "random:index/randomPassword:RandomPassword": (args) => ({ result: runSecret(Number((args.inputs as Outputs)["length"] ?? 32)) }),
  "random:index/randomId:RandomId": () => ({ hex: randomBytes(4).toString("hex"), b64Url: runSecret(6) }),
};

export function mockOutputs(args: pulumi.runtime.MockResourceArgs): Outputs {
  return OUTPUTS[args.type]?.(args) ?? {};
}

const CALLS: Record<string, (inputs: Outputs) => Outputs> = {
  "gcp:organizations/getProject:getProject": (inputs) => ({
    projectId: inputs["projectId"] ?? "mock-project",
    number: "123456789012",
  }),
  "gcp:organizations/getClientConfig:getClientConfig": () => ({ project: "mock-project", region: "mock-region" }),
};

export function mockCall(args: pulumi.runtime.MockCallArgs): Outputs {
  const answer = CALLS[args.token];
  return answer ? answer(args.inputs as Outputs) : {};
}

