import { X509Certificate } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { execCredential } from "./gke-auth-plugin";
import { GKE_CLUSTERS_VARIABLE, clusterFor } from "./gke-clusters";
import { gcpBehaviour } from "./packages/gcp";
import { type Properties, isSecret, reveal } from "./wire";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const config: Properties = { project: "acme-dev", region: "europe-west1", defaultLabels: JSON.stringify({ team: "platform" }) };

function compute(type: string, name: string, inputs: Properties) {
  return gcpBehaviour.compute({ type, urn: `urn:pulumi:dev::armature::${type}::${name}`, name, inputs, config });
}

describe("gcp stand-in", () => {
  afterEach(() => {
    delete process.env[GKE_CLUSTERS_VARIABLE];
  });

  it("gives a service account its email, name and member in the provider's project", async () => {
    const { id, outputs } = await compute("gcp:serviceaccount/account:Account", "nodes", { accountId: "armature-dev-nodes" });
    expect(outputs["email"]).toBe("armature-dev-nodes@acme-dev.iam.gserviceaccount.com");
    expect(outputs["name"]).toBe("projects/acme-dev/serviceAccounts/armature-dev-nodes@acme-dev.iam.gserviceaccount.com");
    expect(outputs["member"]).toBe("serviceAccount:armature-dev-nodes@acme-dev.iam.gserviceaccount.com");
    expect(outputs["uniqueId"]).toMatch(/^\d{21}$/);
    expect(outputs["project"]).toBe("acme-dev");
    expect(id).toBe(outputs["name"]);
  });

  it("points a GKE cluster at the local API server chosen by its name", async () => {
    process.env[GKE_CLUSTERS_VARIABLE] = JSON.stringify([
      { nameSuffix: "-services", endpoint: "127.0.0.1:6443", caCertificate: CA },
      { nameSuffix: "-workers", endpoint: "127.0.0.1:7443", caCertificate: CA },
    ]);
    const { id, outputs } = await compute("gcp:container/cluster:Cluster", "workers", { name: "armature-dev-workers", location: "europe-west1", masterAuth: { clientCertificateConfig: { issueClientCertificate: false } } });
    expect(outputs["endpoint"]).toBe("127.0.0.1:7443");
    expect(outputs["masterAuth"]).toMatchObject({ clientCertificateConfig: { issueClientCertificate: false }, clusterCaCertificate: Buffer.from(CA).toString("base64") });
    expect(id).toBe("projects/acme-dev/locations/europe-west1/clusters/armature-dev-workers");
  });

  it("fails clearly when no local API server stands in for a cluster", async () => {
    process.env[GKE_CLUSTERS_VARIABLE] = JSON.stringify([{ nameSuffix: "-services", endpoint: "127.0.0.1:6443", caCertificate: CA }]);
    await expect(compute("gcp:container/cluster:Cluster", "workers", { name: "armature-dev-workers" })).rejects.toThrow(
      /no local API server stands in for the GKE cluster "armature-dev-workers": ARMATURE_STANDIN_GKE_CLUSTERS lists \*-services/,
    );
    delete process.env[GKE_CLUSTERS_VARIABLE];
    expect(() => clusterFor("x")).toThrow(/lists none/);
    expect(() => clusterFor("a-x", [{ nameSuffix: "-x", endpoint: "h:1", caCertificate: CA }, { nameSuffix: "x", endpoint: "h:2", caCertificate: CA }])).toThrow(/matches 2 entries/);
  });

  it("gives Cloud SQL a private address, its connection name and a real CA certificate", async () => {
    const { outputs } = await compute("gcp:sql/databaseInstance:DatabaseInstance", "postgres", { name: "armature-dev-pg", region: "europe-west1", rootPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "pw" } });
    expect(outputs["connectionName"]).toBe("acme-dev:europe-west1:armature-dev-pg");
    expect(outputs["privateIpAddress"]).toMatch(/^10\.200\.\d+\.\d+$/);
    const [ca] = outputs["serverCaCerts"] as { cert: string }[];
    expect(new X509Certificate(ca!.cert).ca).toBe(true);
  });

  it("gives Memorystore its TLS port, a secret AUTH string and a real CA certificate", async () => {
    const { outputs } = await compute("gcp:redis/instance:Instance", "redis", { name: "armature-dev-redis", authEnabled: true, transitEncryptionMode: "SERVER_AUTHENTICATION", labels: { env: "dev" } });
    expect(outputs["port"]).toBe(6378);
    expect(isSecret(outputs["authString"])).toBe(true);
    expect(reveal(outputs["authString"])).toMatch(/^[A-Za-z0-9_-]{36}$/);
    const [ca] = outputs["serverCaCerts"] as { cert: string }[];
    expect(new X509Certificate(ca!.cert).subject).toContain("CN=Google Cloud Memorystore Redis Server CA");
    expect(outputs["effectiveLabels"]).toEqual({ team: "platform", env: "dev" });
  });

  it("keeps generated values through an update", async () => {
    const created = await compute("gcp:redis/instance:Instance", "redis", { name: "r", authEnabled: true, transitEncryptionMode: "SERVER_AUTHENTICATION" });
    const updated = await gcpBehaviour.compute({ type: "gcp:redis/instance:Instance", urn: "urn:pulumi:dev::armature::gcp:redis/instance:Instance::redis", name: "redis", inputs: { name: "r", authEnabled: true, transitEncryptionMode: "SERVER_AUTHENTICATION", memorySizeGb: 2 }, config, old: { id: created.id!, outputs: created.outputs } });
    expect(updated.outputs["authString"]).toEqual(created.outputs["authString"]);
    expect(updated.outputs["serverCaCerts"]).toEqual(created.outputs["serverCaCerts"]);
    expect(updated.id).toBe(created.id);
  });

  it("answers getProject and getClientConfig from the provider config, and names the missing project", async () => {
    expect(await gcpBehaviour.functions["gcp:organizations/getProject:getProject"]!({}, config)).toMatchObject({ projectId: "acme-dev", number: expect.stringMatching(/^\d{12}$/) });
    expect(await gcpBehaviour.functions["gcp:organizations/getClientConfig:getClientConfig"]!({}, config)).toMatchObject({ project: "acme-dev", region: "europe-west1" });
    expect(() => gcpBehaviour.functions["gcp:organizations/getClientConfig:getClientConfig"]!({}, {})).toThrow(/set the gcp:project stack config/);
  });
});

describe("gke-gcloud-auth-plugin stand-in", () => {
  it("prints an ExecCredential with the token and an expiry", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(JSON.parse(execCredential({ ARMATURE_STANDIN_KUBE_TOKEN: "t0ken" }, now))).toEqual({
      kind: "ExecCredential",
      apiVersion: "client.authentication.k8s.io/v1beta1",
      spec: { interactive: false },
      status: { token: "t0ken", expirationTimestamp: "2026-01-01T01:00:00Z" },
    });
  });

  it("uses the token of the cluster client-go asks for, and says what to set when there is none", () => {
    const env = {
      ARMATURE_STANDIN_GKE_CLUSTERS: JSON.stringify([{ nameSuffix: "-services", endpoint: "127.0.0.1:6443", caCertificate: CA, token: "services-token" }]),
      KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", spec: { cluster: { server: "https://127.0.0.1:6443" } } }),
    };
    expect(JSON.parse(execCredential(env)).status.token).toBe("services-token");
    expect(() => execCredential({})).toThrow(/set ARMATURE_STANDIN_KUBE_TOKEN/);
  });
});
