/* eslint-disable @typescript-eslint/no-unsafe-return -- tests read provider inputs of every shape */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentArgError } from "../shared/arg-error";
import { type MockRuntime, type RegisteredResource, secretInput, useMockRuntime, valueOf } from "../shared/mock-runtime";
import { DEFAULT_CALLER_AUDIENCE } from "../../apps/kit/caller-authentication";
import { PLATFORM_APPS } from "./app-names";
import { PlatformApps, type PlatformAppsArgs } from "./platform-apps";
import { HEALTH_REGISTRATIONS_CONSUMER_GROUP } from "./health-lag-scaling";
import { CALLER_TOKEN_AUDIENCE } from "./pod-contract";

let mocks: MockRuntime;
let services: k8s.Provider;
let workers: k8s.Provider;
beforeAll(async () => {
  mocks = await useMockRuntime();
  services = new k8s.Provider("services", { kubeconfig: "{}" });
  workers = new k8s.Provider("workers", { kubeconfig: "{}" });
});

const SERVICES_ISSUER = "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/services";
const WORKERS_ISSUER = "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/workers";
const REDIS_CA = "-----BEGIN CERTIFICATE-----\nTUVNT1JZU1RPUkU=\n-----END CERTIFICATE-----\n";
const POSTGRES_CA = "-----BEGIN CERTIFICATE-----\nQ0xPVURTUUw=\n-----END CERTIFICATE-----\n";
const versions = { discovery: "1.0.0", flags: "1.0.0", health: "1.0.0", migrator: "1.0.0", worker: "1.0.0" };
const args = (overrides: Partial<PlatformAppsArgs> = {}): PlatformAppsArgs => ({
  registry: "europe-west1-docker.pkg.dev/p/platform",
  releases: { blue: versions, green: { ...versions, discovery: "1.1.0" } },
  activeColour: "blue",
  labels: { team: "platform", tenant: "platform", environment: "test" },
  services: { provider: services, workloadPool: "p.svc.id.goog", serviceAccountIssuer: SERVICES_ISSUER },
  workers: { provider: workers, workloadPool: "p.svc.id.goog", serviceAccountIssuer: WORKERS_ISSUER, taints: [], controlPlaneCidr: "172.16.0.16/28" },
  identities: Object.fromEntries(PLATFORM_APPS.map((app) => [app, { email: `${app}@p.iam.gserviceaccount.com`, name: `projects/p/serviceAccounts/${app}@p.iam.gserviceaccount.com` }])) as PlatformAppsArgs["identities"],
  databaseUrls: { discovery: pulumi.secret("postgres://discovery@10.30.0.3/discovery"), worker: pulumi.secret("postgres://worker@10.30.0.3/worker") },
  postgresServerCa: { caCertificate: POSTGRES_CA, tlsServerName: "p:armature-test-postgres-1a2b3c4d" },
  redisUrl: pulumi.secret("rediss://:auth@10.30.1.4:6378"),
  redisCaCertificate: REDIS_CA,
  kafkaBrokers: "bootstrap.kafka:9092",
  network: {
    namePrefix: "armature-test",
    region: "europe-west1",
    networkId: "projects/p/global/networks/armature-test",
    subnetworkId: "projects/p/regions/europe-west1/subnetworks/armature-test-services",
    gatewaySourceCidrs: ["10.10.32.0/23"],
    dataServices: { postgresAddress: "10.30.0.3", redis: { host: "10.30.1.4", port: 6378 }, kafkaCidr: "10.10.0.0/20", vaultNamespace: "vault" },
  },
  ...overrides,
});

/** The registered resources whose name starts with `<component name>-`. */
const partsOf = (name: string, type: string) => mocks.ofType(type).filter((resource) => resource.name.startsWith(`${name}-`));
const k8sObject = (name: string, type: string, objectName: string, namespace?: string): RegisteredResource => {
  const found = partsOf(name, type).find((resource) => resource.inputs.metadata?.name === objectName && (namespace === undefined || resource.inputs.metadata.namespace === namespace));
  if (!found) throw new Error(`${name} has no ${type} ${namespace ?? ""}/${objectName}`);
  return found;
};

describe("PlatformApps: the Gateway", () => {
  it("by default: HTTPS on a reserved internal address, *.platform.armature.internal in a private zone, a private-CA certificate in a TLS Secret", async () => {
    const apps = new PlatformApps("defaults", args());
    await mocks.settle();
    const address = mocks.named("gcp:compute/address:Address", "defaults-gateway").inputs;
    expect(address).toMatchObject({ name: "armature-test-gateway", addressType: "INTERNAL", purpose: "SHARED_LOADBALANCER_VIP", region: "europe-west1", subnetwork: args().network.subnetworkId });
    expect(await valueOf(apps.gatewayAddress)).toBe("10.10.0.50");

    const zone = mocks.named("gcp:dns/managedZone:ManagedZone", "defaults-platform-domain").inputs;
    expect(zone).toMatchObject({ dnsName: "platform.armature.internal.", visibility: "private", privateVisibilityConfig: { networks: [{ networkUrl: args().network.networkId }] } });
    const [record] = partsOf("defaults", "gcp:dns/recordSet:RecordSet");
    expect(record!.inputs).toMatchObject({ managedZone: zone.name, name: "*.platform.armature.internal.", type: "A", rrdatas: ["10.10.0.50"] });

    const gateway = mocks.named("kubernetes:gateway.networking.k8s.io/v1:Gateway", "defaults-gateway");
    expect(gateway.provider).toMatch(/::services::/);
    expect(gateway.inputs.spec.addresses).toEqual([{ type: "NamedAddress", value: "armature-test-gateway" }]);
    expect(gateway.inputs.spec.listeners).toEqual([{
      name: "https",
      protocol: "HTTPS",
      port: 443,
      hostname: "*.platform.armature.internal",
      tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "platform-gateway-tls" }] },
      allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "armature.dev/gateway-access": "true" } } } },
    }]);
    const secret = mocks.named("kubernetes:core/v1:Secret", "defaults-gateway-tls").inputs;
    expect(secret).toMatchObject({ type: "kubernetes.io/tls", metadata: { name: "platform-gateway-tls", namespace: "gateway" } });
    const tlsData = secretInput(secret.stringData) as Record<string, string>;
    expect(tlsData["tls.key"]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(tlsData["tls.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(mocks.named("tls:index/certRequest:CertRequest", "defaults-gateway").inputs.dnsNames).toEqual(["*.platform.armature.internal", "platform.armature.internal"]);
    expect(mocks.named("tls:index/selfSignedCert:SelfSignedCert", "defaults-gateway-ca").inputs).toMatchObject({ isCaCertificate: true, validityPeriodHours: 87_600 });
    expect(await valueOf(apps.gatewayCaCertificate!)).toMatch(/^-----BEGIN CERTIFICATE-----/);

    const hostnames = partsOf("defaults", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").map((route) => route.inputs.spec.hostnames).sort();
    expect(hostnames).toEqual([["discovery.platform.armature.internal"], ["flags.platform.armature.internal"], ["health.platform.armature.internal"]]);
  });

  it("honours another domain and a certificate brought by the caller (no CA made; the key stays secret)", async () => {
    const apps = new PlatformApps("own-cert", args({
      gatewayDomain: "apps.example.internal",
      gatewayCertificate: { certificatePem: "-----BEGIN CERTIFICATE-----\nT1dO\n-----END CERTIFICATE-----\n", privateKeyPem: "-----BEGIN PRIVATE KEY-----\nT1dO\n-----END PRIVATE KEY-----\n" },
    }));
    await mocks.settle();
    expect(mocks.named("gcp:dns/managedZone:ManagedZone", "own-cert-platform-domain").inputs.dnsName).toBe("apps.example.internal.");
    expect(mocks.named("kubernetes:gateway.networking.k8s.io/v1:Gateway", "own-cert-gateway").inputs.spec.listeners[0].hostname).toBe("*.apps.example.internal");
    expect(partsOf("own-cert", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").map((route) => route.inputs.spec.hostnames[0]).sort()).toEqual([
      "discovery.apps.example.internal", "flags.apps.example.internal", "health.apps.example.internal",
    ]);
    expect(mocks.resources.filter((resource) => resource.type.startsWith("tls:") && resource.name.startsWith("own-cert-"))).toEqual([]);
    expect(apps.gatewayCaCertificate).toBeUndefined();
    const secret = mocks.named("kubernetes:core/v1:Secret", "own-cert-gateway-tls").inputs;
    expect((secretInput(secret.stringData) as Record<string, string>)["tls.crt"]).toContain("T1dO");
  });

  it.each([
    ["uppercase", "Platform.Internal"],
    ["a trailing dot", "platform.internal."],
    ["a wildcard", "*.platform.internal"],
    ["a single label", "internal"],
  ])("refuses a gateway domain with %s", (_, gatewayDomain) => {
    expect(() => new PlatformApps(`bad-domain-${gatewayDomain.length}`, args({ gatewayDomain }))).toThrow(ComponentArgError);
    expect(() => new PlatformApps(`bad-domain2-${gatewayDomain.length}`, args({ gatewayDomain }))).toThrow(
      `PlatformApps "bad-domain2-${gatewayDomain.length}": Args.gatewayDomain: ${JSON.stringify(gatewayDomain)} is not a lowercase DNS name of two or more labels. Fix: use e.g. platform.example.internal (no trailing dot, no wildcard)`,
    );
  });
});

describe("PlatformApps: namespace fences", () => {
  it("deny by default in platform, gateway, workers and keda (the last two through the workers' provider), then allow what each needs", async () => {
    new PlatformApps("fenced", args());
    await mocks.settle();
    const policies = partsOf("fenced", "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const names = (namespace: string) => policies.filter((policy) => policy.inputs.metadata.namespace === namespace).map((policy) => policy.inputs.metadata.name).sort();
    expect(names("gateway")).toEqual(["default-deny"]);
    expect(names("platform")).toEqual(["allow-data-services", "allow-dns", "allow-gateway", "allow-google-apis", "allow-metrics-scrape", "allow-same-namespace", "allow-tenants", "default-deny"]);
    expect(names("workers")).toEqual(["allow-data-services", "allow-dns", "allow-gateway", "allow-google-apis", "allow-metrics-scrape", "default-deny"]);
    expect(names("keda")).toEqual(["allow-control-plane", "allow-dns", "allow-same-namespace", "allow-worker-database", "default-deny"]);
    for (const policy of policies) expect(policy.provider, policy.name).toMatch(["workers", "keda"].includes(policy.inputs.metadata.namespace) ? /::workers::/ : /::services::/);

    const spec = (namespace: string, name: string) => k8sObject("fenced", "kubernetes:networking.k8s.io/v1:NetworkPolicy", name, namespace).inputs.spec;
    expect(spec("platform", "allow-data-services").egress).toEqual([
      { to: [{ ipBlock: { cidr: "10.30.0.3/32" } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 3307 }] },
      { to: [{ ipBlock: { cidr: "10.30.1.4/32" } }], ports: [{ protocol: "TCP", port: 6378 }] },
      { to: [{ ipBlock: { cidr: "10.10.0.0/20" } }], ports: [{ protocol: "TCP", port: 9092 }] },
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vault" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "vault" } } }], ports: [{ protocol: "TCP", port: 8200 }] },
    ]);
    // Worker agents reach Postgres (their queue) too, Redis and Kafka, not Vault.
    expect(spec("workers", "allow-data-services").egress).toEqual(spec("platform", "allow-data-services").egress.slice(0, 3));
    expect(spec("platform", "allow-gateway")).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ ipBlock: { cidr: "10.10.32.0/23" } }], ports: [{ protocol: "TCP", port: 8080 }] }],
      egress: [{ to: [{ ipBlock: { cidr: "10.10.0.50/32" } }], ports: [{ protocol: "TCP", port: 443 }] }],
    });
    // Worker agents are not behind the Gateway: they only call it.
    expect(spec("workers", "allow-gateway")).toEqual({ podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.10.0.50/32" } }], ports: [{ protocol: "TCP", port: 443 }] }] });
    expect(spec("platform", "allow-metrics-scrape").ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gmp-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "collector" } } }],
      ports: [{ protocol: "TCP", port: 8080 }],
    }]);
  });
});

describe("PlatformApps: Redis TLS", () => {
  it("mounts Memorystore's CA in every app and worker agent and points REDIS_TLS_CA_FILE at it", async () => {
    new PlatformApps("redis-ca", args());
    await mocks.settle();
    for (const namespace of ["platform", "workers"]) {
      expect(k8sObject("redis-ca", "kubernetes:core/v1:ConfigMap", "platform-redis-ca", namespace).inputs.data).toEqual({ "ca.crt": REDIS_CA });
    }
    const deployments = partsOf("redis-ca", "kubernetes:apps/v1:Deployment");
    expect(deployments).toHaveLength(7);
    for (const deployment of deployments) {
      const pod = deployment.inputs.spec.template.spec;
      expect(pod.volumes, deployment.name).toContainEqual({ name: "redis-ca", configMap: { name: "platform-redis-ca" } });
      expect(pod.containers[0].volumeMounts, deployment.name).toContainEqual({ name: "redis-ca", mountPath: "/etc/armature/redis-ca", readOnly: true });
      expect(pod.containers[0].env, deployment.name).toContainEqual({ name: "REDIS_TLS_CA_FILE", value: "/etc/armature/redis-ca/ca.crt" });
    }
  });
});

describe("PlatformApps: Postgres TLS", () => {
  const caVolume = { name: "postgres-ca", configMap: { name: "postgres-server-ca", items: [{ key: "server-ca.pem", path: "server-ca.pem" }] } };
  const caMount = { name: "postgres-ca", mountPath: "/etc/armature/postgres", readOnly: true };
  const serverNameEnv = { name: "DATABASE_TLS_SERVER_NAME", valueFrom: { configMapKeyRef: { name: "postgres-server-ca", key: "tls-server-name" } } };

  it("puts Cloud SQL's CA and name in each namespace that connects: platform, workers and KEDA's", async () => {
    new PlatformApps("postgres-ca", args());
    await mocks.settle();
    for (const namespace of ["platform", "workers", "keda"]) {
      const configMap = k8sObject("postgres-ca", "kubernetes:core/v1:ConfigMap", "postgres-server-ca", namespace);
      expect(configMap.inputs.data, namespace).toEqual({ "server-ca.pem": POSTGRES_CA, "tls-server-name": "p:armature-test-postgres-1a2b3c4d" });
      expect(configMap.provider, namespace).toMatch(namespace === "platform" ? /::services::/ : /::workers::/);
    }
  });

  it("mounts the CA where the URL's sslrootcert points, and sets the name to check, in every app with a database, every migration Job and KEDA's operator", async () => {
    await mocks.settle();
    const withDatabase = ["discovery-blue", "discovery-green", "worker"];
    const deployments = partsOf("postgres-ca", "kubernetes:apps/v1:Deployment");
    for (const deployment of deployments) {
      const pod = deployment.inputs.spec.template.spec;
      expect(pod.volumes, deployment.name).toContainEqual(caVolume);
      expect(pod.containers[0].volumeMounts, deployment.name).toContainEqual(caMount);
      const env = pod.containers[0].env as { name: string }[];
      const connects = env.some((variable) => variable.name === "DATABASE_URL");
      expect(connects, deployment.name).toBe(withDatabase.includes(deployment.inputs.metadata.name as string));
      if (connects) expect(env, deployment.name).toContainEqual(serverNameEnv);
    }
    const jobs = partsOf("postgres-ca", "kubernetes:batch/v1:Job");
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    for (const job of jobs) {
      const pod = job.inputs.spec.template.spec;
      expect(pod.volumes, job.name).toEqual([caVolume]);
      expect(pod.containers[0].volumeMounts, job.name).toEqual([caMount]);
      expect(pod.containers[0].env, job.name).toContainEqual(serverNameEnv);
    }
    const keda = mocks.named("kubernetes:helm.sh/v3:Release", "postgres-ca-worker-keda").inputs;
    expect(keda.values).toEqual({ volumes: { keda: { extraVolumes: [caVolume], extraVolumeMounts: [caMount] } } });
  });
});

describe("PlatformApps: Kafka authentication", () => {
  it("has every app and worker agent authenticate to Managed Kafka with its Workload Identity (KAFKA_AUTH=google)", async () => {
    new PlatformApps("kafka-auth", args());
    await mocks.settle();
    const deployments = partsOf("kafka-auth", "kubernetes:apps/v1:Deployment");
    expect(deployments).toHaveLength(7);
    for (const deployment of deployments) {
      const env = deployment.inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      expect(env, deployment.name).toContainEqual({ name: "KAFKA_AUTH", value: "google" });
      const brokers = env.find((variable) => variable.name === "KAFKA_BROKERS")?.value;
      // Worker agents use no Kafka (nothing in apps/worker reads the brokers): they get none.
      if (deployment.inputs.metadata.name === "worker") expect(brokers, deployment.name).toBeUndefined();
      else expect(brokers, deployment.name).toMatch(/:9092$/);
    }
  });
});

describe("PlatformApps: the health service", () => {
  it("finds discovery through its active Service, so it probes every registered service and reports back", async () => {
    new PlatformApps("health-wiring", args());
    await mocks.settle();
    // blue-green-service names its active Service after the app (resource name and object name alike).
    const service = mocks.ofType("kubernetes:core/v1:Service").find((candidate) => candidate.name === "discovery" && candidate.inputs.metadata.namespace === "platform")!.inputs;
    expect(service.metadata.labels["armature.dev/serves"]).toBe("active");
    for (const deployment of partsOf("health-wiring", "kubernetes:apps/v1:Deployment")) {
      const env = deployment.inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      const discoveryUrl = env.find((variable) => variable.name === "DISCOVERY_URL")?.value;
      if (deployment.inputs.metadata.labels["app.kubernetes.io/name"] !== "health") {
        expect(discoveryUrl, deployment.name).toBeUndefined();
        continue;
      }
      const url = new URL(discoveryUrl!);
      expect(url.hostname).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`);
      expect(Number(url.port || 80)).toBe(service.spec.ports[0].port);
    }
  });
});

describe("PlatformApps: self-registration", () => {
  it("registers each platform app in discovery at its active Service, kept while pods come and go; worker agents do not register", async () => {
    new PlatformApps("self-registration", args());
    await mocks.settle();
    const services = mocks.ofType("kubernetes:core/v1:Service").filter((candidate) => candidate.inputs.metadata.namespace === "platform");
    const registered = new Set<string>();
    for (const deployment of partsOf("self-registration", "kubernetes:apps/v1:Deployment")) {
      const app = deployment.inputs.metadata.labels["app.kubernetes.io/name"] as string;
      const env = Object.fromEntries((deployment.inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((variable) => [variable.name, variable.value]));
      if (app === "worker") {
        expect(env["SELF_REGISTRATION_DISCOVERY_URL"], deployment.name).toBeUndefined();
        continue;
      }
      const endpoint = new URL(env["SELF_REGISTRATION_ENDPOINT"]!);
      const service = services.find((candidate) => `${candidate.inputs.metadata.name}.${candidate.inputs.metadata.namespace}.svc.cluster.local` === endpoint.hostname);
      expect(service?.inputs.metadata.labels["armature.dev/serves"], deployment.name).toBe("active");
      expect(service?.inputs.metadata.name, deployment.name).toBe(app);
      expect(Number(endpoint.port || 80)).toBe(service?.inputs.spec.ports[0].port);
      expect(new URL(env["SELF_REGISTRATION_DISCOVERY_URL"]!).hostname).toBe("discovery.platform.svc.cluster.local");
      expect(env["SELF_REGISTRATION_ON_DRAIN"]).toBe("keep");
      registered.add(app);
    }
    expect([...registered].sort()).toEqual(["discovery", "flags", "health"]);
  });
});

describe("PlatformApps: caller authentication", () => {
  it("gives every app and agent a projected caller token and makes it verify callers from both clusters", async () => {
    new PlatformApps("callers", args());
    await mocks.settle();
    const deployments = partsOf("callers", "kubernetes:apps/v1:Deployment");
    expect(deployments).toHaveLength(7);
    for (const deployment of deployments) {
      const pod = deployment.inputs.spec.template.spec;
      expect(pod.automountServiceAccountToken, deployment.name).toBe(false); // the API token stays out
      expect(pod.serviceAccountName, deployment.name).toEqual(expect.any(String));
      expect(pod.volumes, deployment.name).toContainEqual({ name: "caller-token", projected: { sources: [{ serviceAccountToken: { audience: "armature-platform", expirationSeconds: 3600, path: "token" } }] } });
      expect(pod.containers[0].volumeMounts, deployment.name).toContainEqual({ name: "caller-token", mountPath: "/var/run/secrets/armature", readOnly: true });
      const env = Object.fromEntries((pod.containers[0].env as { name: string; value?: string }[]).map((variable) => [variable.name, variable.value]));
      expect(env["CALLER_TOKEN_FILE"], deployment.name).toBe("/var/run/secrets/armature/token");
      expect(env["CALLER_TOKEN_ISSUERS"], deployment.name).toBe(`${SERVICES_ISSUER},${WORKERS_ISSUER}`);
    }
  });

  it("names each issuer once when the workers share the services cluster", async () => {
    new PlatformApps("one-cluster", args({ workers: { ...args().workers, serviceAccountIssuer: SERVICES_ISSUER } }));
    await mocks.settle();
    const env = partsOf("one-cluster", "kubernetes:apps/v1:Deployment")[0]!.inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.find((variable) => variable.name === "CALLER_TOKEN_ISSUERS")?.value).toBe(SERVICES_ISSUER);
  });

  it("mints tokens for the audience the kit verifies", () => {
    expect(CALLER_TOKEN_AUDIENCE).toBe(DEFAULT_CALLER_AUDIENCE);
  });
});

describe("PlatformApps: authorisation", () => {
  const RULES = JSON.stringify({ admins: ["platform/ops-console"], tenants: [{ id: "acme", branches: [] }], platformNamespaces: ["platform", "workers"] });

  it("mounts the stack's rules in every app and agent as AUTHORISATION_RULES_FILE, and keeps the caller token to platform addresses", async () => {
    new PlatformApps("rules", args({ authorisationRules: RULES }));
    await mocks.settle();
    for (const namespace of ["platform", "workers"]) {
      expect(k8sObject("rules", "kubernetes:core/v1:ConfigMap", "authorisation-rules", namespace).inputs.data).toEqual({ "rules.json": RULES });
    }
    const deployments = partsOf("rules", "kubernetes:apps/v1:Deployment");
    expect(deployments).toHaveLength(7);
    for (const deployment of deployments) {
      const pod = deployment.inputs.spec.template.spec;
      expect(pod.volumes, deployment.name).toContainEqual({ name: "authorisation-rules", configMap: { name: "authorisation-rules" } });
      expect(pod.containers[0].volumeMounts, deployment.name).toContainEqual({ name: "authorisation-rules", mountPath: "/etc/armature/authorisation", readOnly: true });
      const env = Object.fromEntries((pod.containers[0].env as { name: string; value?: string }[]).map((variable) => [variable.name, variable.value]));
      expect(env["AUTHORISATION_RULES_FILE"], deployment.name).toBe("/etc/armature/authorisation/rules.json");
      expect(env["CALLER_TOKEN_HOSTS"], deployment.name).toBe(".platform.svc.cluster.local,.platform.svc,.workers.svc.cluster.local,.workers.svc,.platform.armature.internal");
    }
  });

  it("without rules from the stack, ships the platform's own (no admins, no grants)", async () => {
    new PlatformApps("shipped-rules", args());
    await mocks.settle();
    expect(JSON.parse(k8sObject("shipped-rules", "kubernetes:core/v1:ConfigMap", "authorisation-rules", "platform").inputs.data["rules.json"] as string)).toEqual({ platformNamespaces: ["platform", "workers"] });
  });
});

describe("PlatformApps: worker agents", () => {
  it.each([
    ["no worker database", { databaseUrls: {} }, /Args\.databaseUrls\.worker: missing.*add a worker database/],
    ["fewer than 2 agents", { workerScaling: { minReplicas: 1 } }, /Args\.workerScaling\.minReplicas: 1 is below 2/],
    ["a maximum below the minimum", { workerScaling: { minReplicas: 3, maxReplicas: 2 } }, /Args\.workerScaling\.maxReplicas: 2 is below minReplicas \(3\)/],
    ["no runs per agent", { workerScaling: { runsPerAgent: 0 } }, /Args\.workerScaling\.runsPerAgent: 0 is not from 1 to 256/],
    ["an unpinned KEDA chart", { workerScaling: { kedaChartVersion: "latest" } }, /Args\.workerScaling\.kedaChartVersion: "latest" is not a pinned chart version/],
    ["a worker control plane that is not a /28", { workers: { ...args().workers, controlPlaneCidr: "172.16.0.0/24" } }, /Args\.workers\.controlPlaneCidr: "172\.16\.0\.0\/24" is not a \/28 CIDR block\. Fix: give the worker cluster's masterCidr/],
    ["no Postgres address", { network: { ...args().network, dataServices: { ...args().network.dataServices, postgresAddress: undefined } } }, /Args\.network\.dataServices\.postgresAddress: missing\. Fix: pass the Postgres instance's private address/],
  ])("refuses %s, saying how to fix it", (_, overrides, message) => {
    const create = () => new PlatformApps(`refused-${Math.random().toString(36).slice(2, 8)}`, args(overrides));
    expect(create).toThrow(ComponentArgError);
    expect(create).toThrow(message);
  });

  it("migrates their database before they start, and scales them with a KEDA ScaledObject instead of an HPA", async () => {
    new PlatformApps("workers-db", args({ workerScaling: { minReplicas: 3, maxReplicas: 20, runsPerAgent: 8 } }));
    await mocks.settle();
    const deployment = k8sObject("workers-db", "kubernetes:apps/v1:Deployment", "worker", "workers");
    expect(deployment.provider).toMatch(/::workers::/);
    expect(deployment.inputs.spec.replicas).toBeUndefined();
    expect(deployment.inputs.spec.template.spec.containers[0].env).toContainEqual({ name: "WORKER_CONCURRENCY", value: "8" });
    expect(partsOf("workers-db", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").some((hpa) => hpa.inputs.metadata.namespace === "workers")).toBe(false);
    const scaler = k8sObject("workers-db", "kubernetes:keda.sh/v1alpha1:ScaledObject", "worker", "workers");
    expect(scaler.inputs.spec).toMatchObject({ minReplicaCount: 3, maxReplicaCount: 20, triggers: [{ metadata: { targetQueryValue: "8" } }] });
    const pre = k8sObject("workers-db", "kubernetes:batch/v1:Job", "worker-pre-blue-1-0-0", "workers");
    expect(pre.inputs.spec.template.spec.containers[0].env).toContainEqual({ name: "MIGRATOR_DATABASE", value: "worker" });
    expect(k8sObject("workers-db", "kubernetes:core/v1:Secret", "worker-database", "workers").provider).toMatch(/::workers::/);
  });
});

describe("PlatformApps: health's consumer-lag scaling", () => {
  const HEALTH_DATABASE = { health: pulumi.secret("postgres://health@10.30.0.3/health") };
  const lagArgs = (overrides: Partial<PlatformAppsArgs> = {}) => args({
    databaseUrls: { ...args().databaseUrls, ...HEALTH_DATABASE },
    healthLagScaling: { project: "armature-test-4821", kafka: { location: "europe-west1", clusterId: "armature-test-kafka" }, topic: "discovery.registration.v1", lagPerReplica: 300, servicesControlPlaneCidr: "172.16.0.0/28" },
    ...overrides,
  });
  const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
  const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
  const hpaNames = (name: string) => partsOf(name, HPA).filter((hpa) => hpa.inputs.metadata.namespace === "platform").map((hpa) => hpa.inputs.metadata.name as string).sort();

  it("names the consumer group apps/health consumes with", () => {
    const source = readFileSync(path.resolve(__dirname, "../../apps/health/registration-events.ts"), "utf8");
    expect(source).toContain(`export const REGISTRATIONS_CONSUMER = "${HEALTH_REGISTRATIONS_CONSUMER_GROUP}";`);
  });

  it.each(["blue", "green"] as const)("scales only the active colour (%s) on its group's lag, and installs KEDA in the services cluster when the workers run elsewhere", async (activeColour) => {
    const name = `lag-${activeColour}`;
    const inactive = activeColour === "blue" ? "green" : "blue";
    new PlatformApps(name, lagArgs({ activeColour }));
    await mocks.settle();
    const scalers = partsOf(name, SCALED_OBJECT).filter((scaler) => scaler.inputs.metadata.namespace === "platform");
    expect(scalers.map((scaler) => scaler.inputs.spec.scaleTargetRef.name)).toEqual([`health-${activeColour}`]);
    expect(scalers[0]!.provider).toMatch(/::services::/);
    expect(scalers[0]!.inputs.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 6, triggers: [{ type: "gcp-stackdriver", metadata: { targetValue: "300", projectId: "armature-test-4821" } }] });
    expect(scalers[0]!.inputs.spec.triggers[0].metadata.filter).toContain(`resource.labels.consumer_group_id="${HEALTH_REGISTRATIONS_CONSUMER_GROUP}"`);
    expect(k8sObject(name, "kubernetes:apps/v1:Deployment", `health-${activeColour}`).inputs.spec.replicas).toBeUndefined();
    expect(hpaNames(name)).toEqual([`discovery-blue`, `discovery-green`, `flags-blue`, `flags-green`, `health-${inactive}`].sort());
    const keda = mocks.named("kubernetes:helm.sh/v3:Release", `${name}-health-lag-keda`);
    expect(keda.provider).toMatch(/::services::/);
    expect(keda.inputs.values.podIdentity).toMatchObject({ gcp: { enabled: true } });
    // The workers' own KEDA keeps no Google identity: only the services cluster's reads Cloud Monitoring.
    expect(mocks.named("kubernetes:helm.sh/v3:Release", `${name}-worker-keda`).inputs.values.podIdentity).toBeUndefined();
  });

  it("with the workers in the services cluster: no second KEDA; the agents' install gets the operator identity and Google-API egress", async () => {
    new PlatformApps("lag-shared", lagArgs({ workers: { ...args().workers, provider: services, controlPlaneCidr: "172.16.0.0/28" } }));
    await mocks.settle();
    expect(partsOf("lag-shared", "kubernetes:helm.sh/v3:Release").map((release) => release.name)).toEqual(["lag-shared-worker-keda"]);
    const keda = mocks.named("kubernetes:helm.sh/v3:Release", "lag-shared-worker-keda");
    expect(keda.inputs.values).toMatchObject({ volumes: { keda: { extraVolumes: [expect.anything()] } }, serviceAccount: { operator: { name: "keda-operator" } }, podIdentity: { gcp: { enabled: true } } });
    const viewer = mocks.named("gcp:projects/iAMMember:IAMMember", "lag-shared-health-lag-keda-monitoring-viewer");
    expect(viewer.inputs).toMatchObject({ project: "armature-test-4821", role: "roles/monitoring.viewer" });
    expect(mocks.named("gcp:serviceaccount/iAMMember:IAMMember", "lag-shared-health-lag-keda-workload-identity").inputs.member).toBe("serviceAccount:p.svc.id.goog[keda/keda-operator]");
    const kedaPolicies = partsOf("lag-shared", "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((policy) => policy.inputs.metadata.namespace === "keda").map((policy) => policy.inputs.metadata.name as string).sort();
    expect(kedaPolicies).toEqual(["allow-control-plane", "allow-dns", "allow-google-apis", "allow-same-namespace", "allow-worker-database", "default-deny"]);
    const scaler = partsOf("lag-shared", SCALED_OBJECT).find((candidate) => candidate.inputs.metadata.namespace === "platform")!;
    expect(scaler.inputs.metadata.name).toBe("health-blue");
  });

  // Overrides are made when each case runs: the providers exist only after beforeAll.
  it.each([
    ["lag scaling for a health without its database", () => ({ databaseUrls: args().databaseUrls }), /Args\.healthLagScaling: set, but health has no database.*Fix: add a health database/],
    ["a shared cluster whose KEDA the agents do not install", () => ({ workers: { ...args().workers, provider: services }, workerScaling: { kedaChartVersion: false as const } }), /Args\.workerScaling\.kedaChartVersion: false, but the workers share the services cluster/],
    ["no lag per replica", () => ({ healthLagScaling: { ...lagArgs().healthLagScaling!, lagPerReplica: 0 } }), /ConsumerLagScaling ".*-health-lag": Args\.lagPerReplica: 0 is not above 0/],
  ])("refuses %s, saying how to fix it", (_, overrides, message) => {
    const create = () => new PlatformApps(`lag-refused-${Math.random().toString(36).slice(2, 8)}`, lagArgs(overrides()));
    expect(create).toThrow(ComponentArgError);
    expect(create).toThrow(message);
  });
});
