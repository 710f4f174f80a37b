import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { type MockRuntime, secretInput, useMockRuntime, valueOf } from "../shared/mock-runtime";
import { Vault, type VaultArgs } from "./vault";
import { vaultDnsNames } from "./vault-tls";

let mocks: MockRuntime;
let provider: k8s.Provider;
beforeAll(async () => {
  mocks = await useMockRuntime();
  provider = new k8s.Provider("services-k8s", { kubeconfig: "{}" });
});

const RELEASE = "kubernetes:helm.sh/v3:Release";

const args = (overrides: Partial<VaultArgs> = {}): VaultArgs => ({
  namePrefix: "armature-test",
  project: "my-project",
  region: "europe-west1",
  provider,
  workloadPool: "my-project.svc.id.goog",
  chartVersion: "0.31.0",
  labels: { team: "platform" },
  controlPlaneCidr: "172.16.0.0/28",
  clientNamespaces: ["platform"],
  ...overrides,
});

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Helm values are free-form

/** Helm values arrive as the chart sees them. */
async function valuesOf(name: string): Promise<Values> {
  await mocks.settle();
  return mocks.named(RELEASE, name).inputs.values as Values;
}

describe("Vault", () => {
  it("installs the official chart in HA Raft mode with 3 replicas, TLS and audit storage", async () => {
    const vault = new Vault("vault", args());
    const values = await valuesOf("vault");
    const release = mocks.named(RELEASE, "vault").inputs;
    expect(release).toMatchObject({ chart: "vault", version: "0.31.0", repositoryOpts: { repo: "https://helm.releases.hashicorp.com" }, namespace: "vault" });
    expect(values.global).toEqual({ enabled: true, tlsDisable: false });
    expect(values.server.ha).toMatchObject({ enabled: true, replicas: 3, raft: { enabled: true, setNodeId: true } });
    expect(values.server.auditStorage).toEqual({ enabled: true, size: "10Gi" });
    expect(values.server.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
    const config: string = values.server.ha.raft.config;
    expect(config).toContain('storage "raft"');
    expect(config.match(/retry_join/g)).toHaveLength(3);
    expect(config).toMatch(/tls_cert_file\s+= "\/vault\/userconfig\/tls\/tls\.crt"/);
    expect(config).not.toMatch(/tls_disable\s*=\s*(true|1)/);
    expect(vault.address).toBe("https://vault.vault.svc:8200");
    expect(vault.auditEnableCommand).toBe("vault audit enable file file_path=/vault/audit/audit.log");
  });

  it("auto-unseals with its own KMS key ring, key and service account through Workload Identity", async () => {
    const vault = new Vault("unseal", args());
    const values = await valuesOf("unseal");
    const keyRing = mocks.named("gcp:kms/keyRing:KeyRing", "unseal-unseal").inputs;
    expect(keyRing.name).toMatch(/^armature-test-unseal-[0-9a-f]{8}$/);
    expect(mocks.named("gcp:kms/cryptoKey:CryptoKey", "unseal-unseal").inputs).toMatchObject({ purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s", labels: { team: "platform" } });
    const email = "armature-test-unseal-unseal@mock-project.iam.gserviceaccount.com";
    expect(await valueOf(vault.serviceAccountEmail)).toBe(email);
    const grants = mocks.ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").filter((grant) => grant.name.startsWith("unseal-"));
    expect(grants.map((grant) => String(grant.inputs.role)).sort()).toEqual(["roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.viewer"]);
    expect(grants.every((grant) => grant.inputs.member === `serviceAccount:${email}`)).toBe(true);
    expect(mocks.named("gcp:serviceaccount/iAMMember:IAMMember", "unseal-workload-identity").inputs).toMatchObject({
      role: "roles/iam.workloadIdentityUser",
      member: "serviceAccount:my-project.svc.id.goog[vault/vault]",
    });
    expect(values.server.serviceAccount.annotations).toEqual({ "iam.gke.io/gcp-service-account": email });
    expect(values.server.ha.raft.config).toContain(`key_ring   = "${keyRing.name}"`);
    expect(values.server.ha.raft.config).toContain('seal "gcpckms"');
  });

  it("keeps TLS keys secret: only a kubernetes.io/tls Secret holds them, never the chart values", async () => {
    const vault = new Vault("tls", args());
    const values = await valuesOf("tls");
    const secret = mocks.ofType("kubernetes:core/v1:Secret").find((resource) => resource.name === "tls-tls")!;
    expect(secret.inputs.type).toBe("kubernetes.io/tls");
    const data = secretInput(secret.inputs.stringData) as Record<string, string>;
    expect(data["tls.key"]).toContain("PRIVATE KEY");
    expect(JSON.stringify(values)).not.toContain("PRIVATE KEY");
    expect(values.server.volumes[0].secret.secretName).toBe("vault-server-tls");
    const request = mocks.named("tls:index/certRequest:CertRequest", "tls-server").inputs;
    expect(request.dnsNames).toEqual(vaultDnsNames("vault", "vault"));
    expect(request.dnsNames).toContain("*.vault-internal");
    expect(await valueOf(vault.caCertificate)).toContain("BEGIN CERTIFICATE");
  });

  it("deploys through the cluster's provider into a namespace with Pod Security labels", async () => {
    new Vault("ns", args({ namespace: "secrets" }));
    await mocks.settle();
    const namespace = mocks.named("kubernetes:core/v1:Namespace", "ns-namespace").inputs;
    expect(namespace.metadata).toMatchObject({ name: "secrets", labels: { "pod-security.kubernetes.io/enforce": "baseline", team: "platform" } });
    for (const type of [RELEASE, "kubernetes:core/v1:Namespace", "kubernetes:core/v1:Secret"]) {
      const resource = mocks.ofType(type).find((candidate) => candidate.name === "ns" || candidate.name.startsWith("ns-"))!;
      expect(resource.provider, type).toMatch(/pulumi:providers:kubernetes::services-k8s::/);
    }
  });

  it("fences its namespace: default deny, then clients on 8200, peers inside, Google APIs, and the control plane both ways", async () => {
    new Vault("fenced", args());
    await mocks.settle();
    const policies: Values = Object.fromEntries(
      mocks.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((policy) => policy.name.startsWith("fenced-")).map((policy) => [policy.inputs.metadata.name as string, policy.inputs]),
    );
    expect(Object.keys(policies).sort()).toEqual(["allow-clients", "allow-control-plane", "allow-dns", "allow-google-apis", "allow-same-namespace", "default-deny"]);
    for (const policy of Object.values(policies)) expect(policy.metadata.namespace).toBe("vault");
    expect(policies["default-deny"].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
    expect(policies["allow-clients"].spec.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform" } } },
        { namespaceSelector: { matchLabels: { "armature.dev/tenant-namespace": "true" } } },
      ],
      ports: [{ protocol: "TCP", port: 8200 }],
    }]);
    expect(policies["allow-clients"].spec.egress).toBeUndefined();
    const controlPlane = policies["allow-control-plane"].spec;
    expect(controlPlane.ingress).toEqual([{ from: [{ ipBlock: { cidr: "172.16.0.0/28" } }], ports: [{ protocol: "TCP", port: 8080 }] }]);
    expect(controlPlane.egress).toEqual([{ to: [{ ipBlock: { cidr: "172.16.0.0/28" } }], ports: [{ protocol: "TCP", port: 443 }] }]);
    expect((await valuesOf("fenced")).injector.port).toBe(8080); // the port the fence and the firewall open
  });

  it("opens no webhook port to the control plane without the injector", async () => {
    new Vault("no-injector", args({ injector: false }));
    await mocks.settle();
    const controlPlane = mocks.named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "no-injector-allow-control-plane").inputs.spec;
    expect(controlPlane.policyTypes).toEqual(["Egress"]);
    expect(controlPlane.ingress).toBeUndefined();
  });

  it("honours overrides", async () => {
    new Vault("five", args({ replicas: 5, injector: false, dataStorageSize: "50Gi", keyRotationPeriod: "2592000s" }));
    const values = await valuesOf("five");
    expect(values.server.ha.replicas).toBe(5);
    expect(values.server.ha.raft.config.match(/retry_join/g)).toHaveLength(5);
    expect(values.injector.enabled).toBe(false);
    expect(values.server.dataStorage.size).toBe("50Gi");
    expect(mocks.named("gcp:kms/cryptoKey:CryptoKey", "five-unseal").inputs.rotationPeriod).toBe("2592000s");
  });

  it("gives its tls resources no provider: the cluster's Kubernetes provider cannot serve them", async () => {
    new Vault("tlsowner", args());
    await mocks.settle();
    const tlsResources = mocks.resources.filter((resource) => resource.type.startsWith("tls:") && resource.name.startsWith("tlsowner-"));
    expect(tlsResources.map((resource) => resource.type).sort()).toEqual([
      "tls:index/certRequest:CertRequest",
      "tls:index/locallySignedCert:LocallySignedCert",
      "tls:index/privateKey:PrivateKey",
      "tls:index/privateKey:PrivateKey",
      "tls:index/selfSignedCert:SelfSignedCert",
    ]);
    expect(tlsResources.filter((resource) => resource.provider)).toEqual([]);
    expect(mocks.named("kubernetes:core/v1:Secret", "tlsowner-tls").provider).toMatch(/services-k8s/);
  });

  it("installs the chart from a mirror or from a local chart folder", async () => {
    new Vault("mirrored", args({ chartSource: { repository: "https://charts.example.internal/hashicorp" } }));
    new Vault("local", args({ chartSource: { path: "/srv/charts/vault" } }));
    await mocks.settle();
    expect(mocks.named(RELEASE, "mirrored").inputs).toMatchObject({ chart: "vault", repositoryOpts: { repo: "https://charts.example.internal/hashicorp" } });
    const local = mocks.named(RELEASE, "local").inputs;
    expect(local.chart).toBe("/srv/charts/vault");
    expect(local.repositoryOpts).toBeUndefined();
  });

  it("refuses invalid Args with the Arg and the fix", () => {
    expect(() => new Vault("relative", args({ chartSource: { path: "charts/vault" } }))).toThrow(/Args\.chartSource\.path: "charts\/vault" is not an absolute path\. Fix: resolve the chart folder first/);
    expect(() => new Vault("even", args({ replicas: 4 }))).toThrow(/Vault "even": Args\.replicas: 4 is not 3, 5 or 7\. Fix: use an odd number of Raft voters/);
    expect(() => new Vault("single", args({ replicas: 1 }))).toThrow(/Args\.replicas: 1 is not 3, 5 or 7/);
    expect(() => new Vault("unpinned", args({ chartVersion: "latest" }))).toThrow(/Args\.chartVersion: "latest" is not a pinned chart version/);
    expect(() => new Vault("certs", args({ certificateValidityHours: 50 * 8760 }))).toThrow(/Args\.certificateValidityHours: .* not between/);
    expect(() => new Vault("cidr", args({ controlPlaneCidr: "172.16.0.0/24" }))).toThrow(/Args\.controlPlaneCidr: "172\.16\.0\.0\/24" is not a \/28 CIDR block\. Fix: give the services cluster's masterCidr/);
    expect(() => new Vault("clients", args({ clientNamespaces: ["Platform"] }))).toThrow(/Args\.clientNamespaces\[0\]: "Platform" is not a Kubernetes namespace name/);
  });
});
