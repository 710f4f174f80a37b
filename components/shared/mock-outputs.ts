/**
 * What the mock "cloud" answers: provider-computed outputs for the resource types whose outputs the
 * program wires onward (endpoints, addresses, generated passwords), and the data-source calls it
 * makes. Everything else stays as registered; values absent here are unknown, as in a real preview.
 */
import { createHash, randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

type Outputs = Record<string, unknown>;
type OutputFactory = (args: pulumi.runtime.MockResourceArgs) => Outputs;

const MOCK_PROJECT = "mock-project";

/**
 * Every generated secret value of this process, so a test can prove none reaches the plan text.
 * Values are fresh per run: no test can pass by knowing them in advance.
 */
export const generatedSecrets: string[] = [];

const runSecret = (length: number) => {
  const value = randomBytes(length).toString("base64url").slice(0, length);
  generatedSecrets.push(value);
  return value;
};

const fakePem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const fakeCertificate = (subject: string) => fakePem("CERTIFICATE", Buffer.from(`mock certificate for ${subject}`).toString("base64"));
const inputs = (args: pulumi.runtime.MockResourceArgs) => args.inputs as Outputs;
const text = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);

const OUTPUTS: Record<string, OutputFactory> = {
  "random:index/randomPassword:RandomPassword": (args) => ({ result: runSecret(Number(inputs(args)["length"] ?? 32)) }),
  // The hex suffix goes into names: stable per resource, as a preview of an existing stack shows it.
  "random:index/randomId:RandomId": (args) => ({ hex: createHash("sha256").update(args.name).digest("hex").slice(0, 8), b64Url: runSecret(6) }),
  "gcp:serviceaccount/account:Account": (args) => {
    const project = text(inputs(args)["project"], MOCK_PROJECT);
    const email = `${text(inputs(args)["accountId"], args.name)}@${project}.iam.gserviceaccount.com`;
    return { email, member: `serviceAccount:${email}`, name: `projects/${project}/serviceAccounts/${email}` };
  },
  "gcp:container/cluster:Cluster": (args) => ({
    endpoint: "172.16.0.2",
    masterAuth: { clusterCaCertificate: Buffer.from(fakeCertificate(args.name)).toString("base64") },
  }),
  "gcp:sql/databaseInstance:DatabaseInstance": (args) => ({
    connectionName: `${MOCK_PROJECT}:${text(inputs(args)["region"], "mock-region")}:${text(inputs(args)["name"], args.name)}`,
    privateIpAddress: "10.30.0.3",
    serverCaCerts: [{ cert: fakeCertificate(`${args.name} server CA`) }],
  }),
  "gcp:redis/instance:Instance": (args) => ({
    host: "10.30.1.4",
    port: 6378,
    authString: runSecret(36),
    serverCaCerts: [{ cert: fakeCertificate(`${args.name} server CA`) }],
  }),
  // A regional internal address, as the API picks one from the subnet.
  "gcp:compute/address:Address": () => ({ address: "10.10.0.50" }),
  "gcp:kms/keyRing:KeyRing": (args) => ({
    id: `projects/${MOCK_PROJECT}/locations/${text(inputs(args)["location"], "mock-region")}/keyRings/${text(inputs(args)["name"], args.name)}`,
  }),
  "tls:index/privateKey:PrivateKey": (args) => ({
    privateKeyPem: fakePem("PRIVATE KEY", runSecret(64)),
    publicKeyPem: fakePem("PUBLIC KEY", Buffer.from(`mock public key ${args.name}`).toString("base64")),
  }),
  "tls:index/selfSignedCert:SelfSignedCert": (args) => ({ certPem: fakeCertificate(args.name) }),
  "tls:index/certRequest:CertRequest": (args) => ({ certRequestPem: fakePem("CERTIFICATE REQUEST", Buffer.from(args.name).toString("base64")) }),
  "tls:index/locallySignedCert:LocallySignedCert": (args) => ({ certPem: fakeCertificate(args.name) }),
};

export function mockOutputs(args: pulumi.runtime.MockResourceArgs): Outputs {
  return OUTPUTS[args.type]?.(args) ?? {};
}

const CALLS: Record<string, (inputs: Outputs) => Outputs> = {
  "gcp:organizations/getProject:getProject": (inputs) => ({
    projectId: inputs["projectId"] ?? MOCK_PROJECT,
    number: "123456789012",
  }),
  "gcp:organizations/getClientConfig:getClientConfig": () => ({ project: MOCK_PROJECT, region: "mock-region" }),
};

export function mockCall(args: pulumi.runtime.MockCallArgs): Outputs {
  const answer = CALLS[args.token];
  return answer ? answer(args.inputs as Outputs) : {};
}
