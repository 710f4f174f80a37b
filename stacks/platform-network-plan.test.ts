/**
 * The platform's private network in the real dev plan, checked across components: Google APIs and the
 * platform hostnames resolve inside the VPC to addresses the NetworkPolicies let pods reach; the
 * Gateway serves HTTPS only; every namespace is fenced; every workload's metrics are scraped; the
 * apps trust Memorystore's CA.
 */
/* eslint-disable @typescript-eslint/no-unsafe-return -- tests read provider inputs of every shape */
import { beforeAll, describe, expect, it } from "vitest";
import { cidrContains, parseCidr } from "../components/shared/cidr";
import type { AnalyzedResource } from "../tools/plan/analyzer";
import { type CapturedPlan, planDevStack } from "../tools/plan/testing";

let dev: CapturedPlan;
beforeAll(async () => {
  dev = await planDevStack();
}, 120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider inputs of every shape
const inputs = (resource: AnalyzedResource) => resource.inputs as Record<string, any>;
const DOMAIN = "platform.armature.internal";
const ZONE = "gcp:dns/managedZone:ManagedZone";
const RECORD = "gcp:dns/recordSet:RecordSet";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const policies = () => dev.ofType(POLICY).map((policy) => ({ namespace: inputs(policy).metadata.namespace as string, name: inputs(policy).metadata.name as string, spec: inputs(policy).spec }));
const record = (name: string) => dev.ofType(RECORD).find((candidate) => inputs(candidate).name === name)!;
/** Every egress ipBlock CIDR of the policies named `policyName`. */
const egressCidrs = (policyName: string) =>
  policies().filter((policy) => policy.name === policyName).flatMap((policy) => ((policy.spec.egress ?? []) as { to: { ipBlock?: { cidr: string } }[] }[]).flatMap((rule) => rule.to.flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []))));

describe("Google APIs inside the VPC", () => {
  it("resolve *.googleapis.com to private.googleapis.com in a private zone bound to the VPC, routed through the default internet gateway", () => {
    const zone = dev.one(ZONE, "platform-googleapis");
    expect(inputs(zone)).toMatchObject({ dnsName: "googleapis.com.", visibility: "private", privateVisibilityConfig: { networks: [{ networkUrl: expect.any(String) }] } });
    expect(inputs(record("private.googleapis.com."))).toMatchObject({ type: "A", rrdatas: ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"], managedZone: inputs(zone).name });
    expect(inputs(record("*.googleapis.com."))).toMatchObject({ type: "CNAME", rrdatas: ["private.googleapis.com."], managedZone: inputs(zone).name });
    expect(inputs(dev.one("gcp:compute/route:Route", "platform-private-googleapis"))).toMatchObject({ destRange: "199.36.153.8/30", nextHopGateway: "default-internet-gateway" });
  });

  it("are reachable from every fenced namespace at exactly the addresses the records give (one source of truth)", () => {
    const route = parseCidr(inputs(dev.one("gcp:compute/route:Route", "platform-private-googleapis")).destRange as string)!;
    const googleApiBlocks = egressCidrs("allow-google-apis").filter((cidr) => cidr.startsWith("199.36."));
    const namespaces = policies().filter((policy) => policy.name === "allow-google-apis").map((policy) => policy.namespace).sort();
    // keda: the services cluster's KEDA reads Cloud Monitoring for health's consumer lag.
    expect(namespaces).toEqual(["keda", "platform", "tenant-acme", "tenant-globex", "vault", "workers"]);
    expect(googleApiBlocks).toEqual(namespaces.map(() => route.text));
    for (const address of inputs(record("private.googleapis.com.")).rrdatas as string[]) expect(cidrContains(route, parseCidr(`${address}/32`)!), address).toBe(true);
  });
});

describe("the platform hostnames", () => {
  it(`resolve *.${DOMAIN} to the Gateway's reserved internal address, which the Gateway names`, () => {
    const address = dev.one("gcp:compute/address:Address", "apps-gateway");
    expect(inputs(address)).toMatchObject({ addressType: "INTERNAL", purpose: "SHARED_LOADBALANCER_VIP", region: "europe-west1", subnetwork: expect.any(String) });
    const zone = dev.one(ZONE, "apps-platform-domain");
    expect(inputs(zone)).toMatchObject({ dnsName: `${DOMAIN}.`, visibility: "private" });
    expect(inputs(zone).privateVisibilityConfig).toEqual(inputs(dev.one(ZONE, "platform-googleapis")).privateVisibilityConfig);
    const wildcard = inputs(record(`*.${DOMAIN}.`));
    expect(wildcard).toMatchObject({ type: "A", managedZone: inputs(zone).name });
    expect(wildcard.rrdatas).toEqual([expect.stringMatching(/^10\.10\.\d+\.\d+$/)]);

    const gateway = inputs(dev.one("kubernetes:gateway.networking.k8s.io/v1:Gateway", "apps-gateway"));
    expect(gateway.spec.addresses).toEqual([{ type: "NamedAddress", value: inputs(address).name }]);
    for (const route of dev.ofType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")) {
      for (const hostname of inputs(route).spec.hostnames as string[]) expect(hostname, route.name).toMatch(new RegExp(`^[a-z0-9-]+\\.${DOMAIN.replace(/\./g, "\\.")}$`));
    }
    // Clients behind a fence may call that address: tenants and worker agents, on the Gateway's port only.
    const gatewayEgress = policies().filter((policy) => policy.name === "allow-gateway" && policy.spec.egress);
    expect(gatewayEgress.map((policy) => policy.namespace).sort()).toEqual(["platform", "tenant-acme", "tenant-globex", "workers"]);
    for (const policy of gatewayEgress) expect(policy.spec.egress, policy.namespace).toEqual([{ to: [{ ipBlock: { cidr: `${wildcard.rrdatas[0]}/32` } }], ports: [{ protocol: "TCP", port: 443 }] }]);
  });

  it("come from armature:apps.gatewayDomain when the stack sets it", async () => {
    const custom = await planDevStack((text) => text.replace(/^(\s*gatewayDomain:) platform\.armature\.internal$/m, "$1 apps.corp.internal"));
    expect(inputs(custom.one(ZONE, "apps-platform-domain")).dnsName).toBe("apps.corp.internal.");
    expect(inputs(custom.one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "apps-discovery")).spec.hostnames).toEqual(["discovery.apps.corp.internal"]);
    expect(inputs(custom.one("tls:index/certRequest:CertRequest", "apps-gateway")).dnsNames).toEqual(["*.apps.corp.internal", "apps.corp.internal"]);
  }, 120_000);

  it("are served over HTTPS only, with a certificate for them from a kubernetes.io/tls Secret", () => {
    const gateway = inputs(dev.one("kubernetes:gateway.networking.k8s.io/v1:Gateway", "apps-gateway"));
    expect(gateway.spec.gatewayClassName).toBe("gke-l7-rilb");
    expect(gateway.spec.listeners).toEqual([expect.objectContaining({
      protocol: "HTTPS",
      port: 443,
      hostname: `*.${DOMAIN}`,
      tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "platform-gateway-tls" }] },
    })]);
    const secret = dev.one("kubernetes:core/v1:Secret", "apps-gateway-tls");
    expect(inputs(secret)).toMatchObject({ type: "kubernetes.io/tls", metadata: { name: "platform-gateway-tls", namespace: gateway.metadata.namespace } });
    expect(secret.secretPaths.some((secretPath) => secretPath.startsWith("stringData"))).toBe(true);
    expect(inputs(dev.one("tls:index/certRequest:CertRequest", "apps-gateway")).dnsNames).toEqual([`*.${DOMAIN}`, DOMAIN]);
    expect(JSON.stringify(dev.document)).not.toContain("PRIVATE KEY");
  });
});

describe("namespace fences", () => {
  it("deny all ingress and egress in every namespace, before any allow", () => {
    const namespaces = dev.ofType("kubernetes:core/v1:Namespace").map((namespace) => inputs(namespace).metadata.name as string).sort();
    const fenced = policies().filter((policy) => policy.name === "default-deny");
    for (const policy of fenced) expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
    expect(namespaces).toContain("vault");
    expect(namespaces.filter((namespace) => !fenced.some((policy) => policy.namespace === namespace))).toEqual([]);
    expect(policies().filter((policy) => policy.namespace === "gateway").map((policy) => policy.name)).toEqual(["default-deny"]);
  });

  it("let exactly Vault's clients reach it: what the platform and tenants may send to Vault, Vault's fence lets in", () => {
    const spec = (namespace: string, name: string) => policies().find((policy) => policy.namespace === namespace && policy.name === name)!.spec;
    const vaultIngress = spec("vault", "allow-clients").ingress as { from: { namespaceSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[];
    expect(vaultIngress).toHaveLength(1);
    expect(vaultIngress[0]!.ports).toEqual([{ protocol: "TCP", port: 8200 }]);
    const admitted = vaultIngress[0]!.from.map((peer) => peer.namespaceSelector.matchLabels);
    expect(admitted).toContainEqual({ "kubernetes.io/metadata.name": "platform" });
    expect(admitted).toContainEqual({ "armature.dev/tenant-namespace": "true" });
    for (const client of ["platform", "tenant-acme", "tenant-globex"]) {
      const egress = (spec(client, "allow-data-services").egress as { to: { namespaceSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[])
        .filter((rule) => rule.to.some((peer) => peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "vault"));
      expect(egress.flatMap((rule) => rule.ports.map((port) => port.port)), client).toEqual([8200]);
    }
    // The agent injector's webhook: the fence and the services cluster's firewall open the same port to the control plane.
    const master = inputs(dev.one("gcp:container/cluster:Cluster", "services")).privateClusterConfig.masterIpv4CidrBlock as string;
    expect(spec("vault", "allow-control-plane").ingress).toEqual([{ from: [{ ipBlock: { cidr: master } }], ports: [{ protocol: "TCP", port: 8080 }] }]);
    const webhookRules = dev.ofType("gcp:compute/firewall:Firewall").map(inputs).filter((rule) => (rule.sourceRanges as string[] | undefined)?.includes(master));
    expect(webhookRules.flatMap((rule) => (rule.allows as { ports?: string[] }[]).flatMap((allow) => allow.ports ?? []))).toContain("8080");
  });

  it("give the platform and workers namespaces the same building blocks as tenants, and only what they need", () => {
    const names = (namespace: string) => policies().filter((policy) => policy.namespace === namespace).map((policy) => policy.name).sort();
    expect(names("platform")).toEqual(["allow-data-services", "allow-dns", "allow-gateway", "allow-google-apis", "allow-metrics-scrape", "allow-same-namespace", "allow-tenants", "default-deny"]);
    expect(names("workers")).toEqual(["allow-data-services", "allow-dns", "allow-gateway", "allow-google-apis", "allow-metrics-scrape", "default-deny"]);
    const spec = (namespace: string, name: string) => policies().find((policy) => policy.namespace === namespace && policy.name === name)!.spec;
    for (const shared of ["allow-dns", "allow-google-apis", "allow-metrics-scrape"]) {
      expect(spec("platform", shared), shared).toEqual(spec("tenant-acme", shared));
      expect(spec("workers", shared), shared).toEqual(spec("tenant-acme", shared));
    }
    // Platform apps reach Postgres, Redis (its TLS port), Kafka and Vault; worker agents Postgres (their queue), Redis and Kafka.
    const ports = (namespace: string) => (spec(namespace, "allow-data-services").egress as { ports: { port: number }[] }[]).flatMap((rule) => rule.ports.map((port) => port.port));
    expect(ports("platform")).toEqual([5432, 3307, 6378, 9092, 8200]);
    expect(ports("workers")).toEqual([5432, 3307, 6378, 9092]);
    // Tenants in, from and to the platform apps, by the label every tenant namespace carries.
    expect(spec("platform", "allow-tenants").ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { "armature.dev/tenant-namespace": "true" } } }]);
    for (const tenant of dev.ofType("kubernetes:core/v1:Namespace").filter((namespace) => inputs(namespace).metadata.name.startsWith("tenant-"))) {
      expect(inputs(tenant).metadata.labels["armature.dev/tenant-namespace"]).toBe("true");
    }
  });
});

describe("metrics", () => {
  it("are scraped by Managed Prometheus from every Deployment: /metrics on the container's 8080, through the fence", () => {
    const deployments = dev.ofType("kubernetes:apps/v1:Deployment");
    const monitorings = dev.ofType("kubernetes:monitoring.googleapis.com/v1:PodMonitoring");
    expect(monitorings).toHaveLength(deployments.length);
    for (const deployment of deployments) {
      const { metadata, spec } = inputs(deployment);
      const monitoring = monitorings.find((candidate) => inputs(candidate).metadata.namespace === metadata.namespace && inputs(candidate).metadata.name === metadata.name);
      expect(monitoring, metadata.name).toBeDefined();
      expect(inputs(monitoring!)).toMatchObject({ apiVersion: "monitoring.googleapis.com/v1", spec: { selector: spec.selector } });
      const [endpoint] = inputs(monitoring!).spec.endpoints as { port: string; path: string; interval: string }[];
      expect(endpoint).toEqual({ port: "http", path: "/metrics", interval: "30s" });
      const ports = spec.template.spec.containers[0].ports as { name: string; containerPort: number }[];
      expect(ports.find((port) => port.name === endpoint!.port)?.containerPort).toBe(8080);
      expect(policies().some((policy) => policy.namespace === metadata.namespace && policy.name === "allow-metrics-scrape" && policy.spec.ingress[0].ports[0].port === 8080)).toBe(true);
    }
  });
});

describe("Redis TLS", () => {
  it("every app trusts Memorystore's server CA: REDIS_TLS_CA_FILE names a file mounted from the CA ConfigMap", () => {
    const caMaps = dev.ofType("kubernetes:core/v1:ConfigMap").filter((map) => inputs(map).metadata.name === "platform-redis-ca");
    expect(caMaps.map((map) => inputs(map).metadata.namespace).sort()).toEqual(["platform", "workers"]);
    for (const map of caMaps) expect(inputs(map).data["ca.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    for (const deployment of dev.ofType("kubernetes:apps/v1:Deployment")) {
      const pod = inputs(deployment).spec.template.spec;
      const [container] = pod.containers;
      const env = Object.fromEntries((container.env as { name: string; value?: string }[]).map((variable) => [variable.name, variable.value]));
      const volume = (pod.volumes as { name: string; configMap?: { name: string } }[]).find((candidate) => candidate.configMap?.name === "platform-redis-ca");
      const mount = (container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]).find((candidate) => candidate.name === volume?.name);
      expect(mount, deployment.name).toMatchObject({ readOnly: true });
      expect(env["REDIS_TLS_CA_FILE"], deployment.name).toBe(`${mount!.mountPath}/ca.crt`);
    }
  });
});
