/* eslint-disable @typescript-eslint/no-unsafe-return -- tests read provider inputs of every shape */
import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { beforeAll, describe, expect, it } from "vitest";
import { KafkaCluster } from "../kafka/kafka";
import { PostgresInstance } from "../postgres/postgres";
import { ComponentArgError } from "../shared/arg-error";
import { PRIVATE_GOOGLE_APIS_CIDR } from "../shared/private-google-access";
import { type MockRuntime, StandInResource, secretInput, useMockRuntime } from "../shared/mock-runtime";
import { Tenant, type TenantArgs } from "./tenant";
import { TIER_SIZES } from "./tenant-tiers";

let mocks: MockRuntime;
let shared: Pick<TenantArgs, "provider" | "postgres" | "kafka" | "vault">;
beforeAll(async () => {
  mocks = await useMockRuntime();
  const labels = { team: "platform", tenant: "platform", environment: "test" };
  shared = {
    provider: new k8s.Provider("k8s", { kubeconfig: "{}" }),
    postgres: new PostgresInstance("postgres", { namePrefix: "armature-test", project: "p", region: "europe-west1", network: "net", privateServiceAccess: new StandInResource("psa"), tier: "db-custom-2-8192", diskSizeGb: 20, labels }),
    kafka: new KafkaCluster("kafka", { namePrefix: "armature-test", project: "p", region: "europe-west1", subnet: "subnet", vcpuCount: 3, memoryGb: 6, production: false, labels }),
    vault: { provider: new vault.Provider("vault", { address: "https://vault.vault.svc:8200" }), kubernetesAuthPath: "kubernetes" },
  };
});

const args = (id: string, overrides: Partial<TenantArgs> = {}): TenantArgs => ({
  ...shared,
  id,
  displayName: `Tenant ${id}`,
  tier: "starter",
  branches: [{ id: "global", children: [{ id: "eu", children: [{ id: "france" }] }] }],
  labels: { team: `${id}-eng`, tenant: id, environment: "test" },
  namePrefix: "armature-test",
  project: "p",
  region: "europe-west1",
  workloadPool: "p.svc.id.goog",
  network: { platformNamespace: "platform", vaultNamespace: "vault", postgresAddress: "10.30.0.3", kafkaCidr: "10.10.0.0/20", gatewaySourceCidrs: ["10.10.32.0/23"] },
  deletionProtection: false,
  ...overrides,
});

describe("Tenant", () => {
  it("sizes the quota and limit range by tier", async () => {
    new Tenant("small", args("small", { tier: "starter" }));
    new Tenant("large", args("large", { tier: "premium" }));
    await mocks.settle();
    const quota = (id: string) => mocks.named("kubernetes:core/v1:ResourceQuota", `${id}-quota`).inputs.spec.hard;
    expect(quota("small")).toEqual(TIER_SIZES.starter.quota);
    expect(quota("large")).toEqual(TIER_SIZES.premium.quota);
    expect(quota("large")["requests.cpu"]).not.toBe(quota("small")["requests.cpu"]);
    expect(mocks.named("kubernetes:core/v1:LimitRange", "large-limits").inputs.spec.limits[0].max).toEqual(TIER_SIZES.premium.maxContainer);
  });

  it("fences the namespace with the shared building blocks: scrapes from Managed Prometheus, calls to the Gateway's address when given", async () => {
    new Tenant("fenced", args("fenced", { network: { ...args("fenced").network, gatewayAddress: "10.10.0.50" } }));
    new Tenant("nogateway", args("nogateway"));
    await mocks.settle();
    const policy = (tenant: string, name: string) => mocks.named("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${tenant}-${name}`).inputs.spec;
    expect(policy("fenced", "allow-gateway").egress).toEqual([{ to: [{ ipBlock: { cidr: "10.10.0.50/32" } }], ports: [{ protocol: "TCP", port: 443 }] }]);
    expect(policy("nogateway", "allow-gateway")).toMatchObject({ policyTypes: ["Ingress"] });
    expect(policy("nogateway", "allow-gateway").egress).toBeUndefined();
    expect(policy("fenced", "allow-metrics-scrape").ingress[0].from[0].namespaceSelector).toEqual({ matchLabels: { "kubernetes.io/metadata.name": "gmp-system" } });
    expect(policy("fenced", "allow-google-apis").egress.map((rule: { to: { ipBlock: { cidr: string } }[] }) => rule.to[0]!.ipBlock.cidr)).toEqual(["169.254.169.254/32", "169.254.169.252/32", PRIVATE_GOOGLE_APIS_CIDR]);
    expect(mocks.named("kubernetes:core/v1:Namespace", "fenced-namespace").inputs.metadata.labels).toMatchObject({ "armature.dev/tenant-namespace": "true" });
  });

  it("gives the namespace what a pod needs to verify Postgres: the URL names the CA file, a ConfigMap holds the CA and the server's name", async () => {
    const tenant = new Tenant("verified", args("verified"));
    await mocks.settle();
    const configMap = mocks.named("kubernetes:core/v1:ConfigMap", "verified-postgres-ca").inputs;
    expect(configMap.metadata).toMatchObject({ name: "postgres-server-ca", namespace: "tenant-verified", labels: { tenant: "verified" } });
    expect(tenant.databaseCaConfigMap).toBe("postgres-server-ca");
    const instanceName = mocks.named("gcp:sql/databaseInstance:DatabaseInstance", "postgres").inputs.name as string;
    expect(configMap.data).toEqual({ "server-ca.pem": expect.stringContaining("BEGIN CERTIFICATE"), "tls-server-name": `p:${instanceName}` });
    const stringData = mocks.named("kubernetes:core/v1:Secret", "verified-database").inputs.stringData;
    const url = new URL(((secretInput(stringData) ?? stringData) as { DATABASE_URL: unknown }).DATABASE_URL as string);
    expect(Object.fromEntries(url.searchParams)).toEqual({ sslmode: "verify-ca", sslrootcert: "/etc/armature/postgres/server-ca.pem" });
    expect(mocks.named("kubernetes:core/v1:ConfigMap", "verified-profile").inputs.data.DATABASE_TLS_SERVER_NAME).toBe(`p:${instanceName}`);
  });

  it("gives other components the labels of a branch and its ancestors", () => {
    const tenant = new Tenant("labelled", args("labelled"));
    expect(tenant.labelsForBranch("france")).toEqual({
      "armature.dev/branch": "france",
      "branch.armature.dev/global": "true",
      "branch.armature.dev/eu": "true",
      "branch.armature.dev/france": "true",
    });
    expect(() => tenant.labelsForBranch("mars")).toThrow("tenant labelled has no organisation branch mars; it has global, eu, france");
  });

  it.each([
    ["an id that cannot name a namespace", args("Acme_Corp"), /Args\.id: "Acme_Corp" is not 2-20 lowercase/],
    ["labels of another tenant", args("mixed", { labels: { team: "t", tenant: "other", environment: "test" } }), /Args\.labels\.tenant: "other" is not the tenant id mixed/],
    ["a branch id used twice", args("twice", { branches: [{ id: "eu" }, { id: "eu" }] }), /Args\.branches: organisation branch eu appears twice/],
    ["a team Kubernetes cannot label", args("badteam", { labels: { team: "eng-", tenant: "badteam", environment: "test" } }), /Args\.labels: Kubernetes refuses team=eng-/],
  ])("refuses %s", (_, tenantArgs, message) => {
    expect(() => new Tenant(`refused-${tenantArgs.id}`, tenantArgs)).toThrow(ComponentArgError);
    expect(() => new Tenant(`refused2-${tenantArgs.id}`, tenantArgs)).toThrow(message);
  });
});
