import { beforeAll, describe, expect, it } from "vitest";
import { type MockRuntime, useMockRuntime, valueOf } from "../shared/mock-runtime";
import { PRIVATE_GOOGLE_APIS_CIDR } from "../shared/private-google-access";
import { Network, type NetworkArgs } from "./network";

let mocks: MockRuntime;
beforeAll(async () => {
  mocks = await useMockRuntime();
});

const args = (overrides: Partial<NetworkArgs> = {}): NetworkArgs => ({
  namePrefix: "armature-test",
  region: "europe-west1",
  subnets: [
    { name: "services", nodes: "10.10.0.0/20", pods: "10.16.0.0/14", services: "10.20.0.0/20" },
    { name: "workers", nodes: "10.10.16.0/22", pods: "10.24.0.0/16", services: "10.20.16.0/22" },
  ],
  proxyOnlyCidr: "10.10.32.0/23",
  privateServiceAccessCidr: "10.30.0.0/16",
  labels: { team: "platform" },
  ...overrides,
});

describe("Network", () => {
  it("applies the defaults: private subnets with pod/service ranges, NAT, PSA peering, flow logs", async () => {
    const network = new Network("defaults", args());
    await mocks.settle();
    const vpc = mocks.named("gcp:compute/network:Network", "defaults");
    expect(vpc.inputs).toMatchObject({ autoCreateSubnetworks: false, routingMode: "REGIONAL" });

    const services = mocks.named("gcp:compute/subnetwork:Subnetwork", "defaults-services");
    expect(services.inputs).toMatchObject({
      ipCidrRange: "10.10.0.0/20",
      privateIpGoogleAccess: true,
      secondaryIpRanges: [
        { rangeName: "services-pods", ipCidrRange: "10.16.0.0/14" },
        { rangeName: "services-services", ipCidrRange: "10.20.0.0/20" },
      ],
      logConfig: { aggregationInterval: "INTERVAL_5_SEC" },
    });
    expect(mocks.named("gcp:compute/subnetwork:Subnetwork", "defaults-proxy-only").inputs).toMatchObject({
      purpose: "REGIONAL_MANAGED_PROXY",
      role: "ACTIVE",
    });
    expect(mocks.named("gcp:compute/routerNat:RouterNat", "defaults").inputs).toMatchObject({ logConfig: { enable: true, filter: "ERRORS_ONLY" } });
    expect(mocks.named("gcp:compute/globalAddress:GlobalAddress", "defaults-private-services").inputs).toMatchObject({
      purpose: "VPC_PEERING",
      address: "10.30.0.0",
      prefixLength: 16,
      labels: { team: "platform" },
    });
    expect(mocks.named("gcp:servicenetworking/connection:Connection", "defaults-private-services").inputs.service).toBe(
      "servicenetworking.googleapis.com",
    );
    expect(network.subnets["workers"]?.podsRangeName).toBe("workers-pods");
    expect(await valueOf(network.privateServiceAccessRangeName)).toBe("armature-test-private-services");
  });

  it("opens nothing to 0.0.0.0/0, and IAP SSH only when asked", async () => {
    new Network("firewall", args());
    new Network("iap", args({ allowIapSsh: true, namePrefix: "armature-iap" }));
    await mocks.settle();
    const rules = mocks.ofType("gcp:compute/firewall:Firewall");
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.inputs.sourceRanges, rule.name).not.toContain("0.0.0.0/0");
    expect(rules.map((rule) => rule.name)).toContain("iap-allow-iap-ssh");
    expect(rules.map((rule) => rule.name)).not.toContain("firewall-allow-iap-ssh");
  });

  it("honours overrides: flow logs off, NAT log filter", async () => {
    new Network("override", args({ flowLogs: false, natLogFilter: "ALL" }));
    await mocks.settle();
    expect(mocks.named("gcp:compute/subnetwork:Subnetwork", "override-services").inputs.logConfig).toBeUndefined();
    expect(mocks.named("gcp:compute/routerNat:RouterNat", "override").inputs.logConfig.filter).toBe("ALL");
  });

  it("refuses overlapping, public, too-small or malformed ranges, naming the Arg", () => {
    expect(() => new Network("overlap", args({ proxyOnlyCidr: "10.10.0.0/24" }))).toThrow(
      /Network "overlap": Args\.proxyOnlyCidr: 10\.10\.0\.0\/24 overlaps subnets\[0\]\.nodes \(10\.10\.0\.0\/20\)\. Fix: choose ranges that do not overlap/,
    );
    expect(() => new Network("public", args({ privateServiceAccessCidr: "34.0.0.0/16" }))).toThrow(/Args\.privateServiceAccessCidr: 34\.0\.0\.0\/16 is not a private range/);
    expect(() => new Network("small", args({ privateServiceAccessCidr: "10.30.0.0/25" }))).toThrow(/Args\.privateServiceAccessCidr: .* smaller than \/24/);
    expect(() => new Network("proxy", args({ proxyOnlyCidr: "10.10.32.0/27" }))).toThrow(/Args\.proxyOnlyCidr: .* smaller than \/26/);
    expect(() => new Network("typo", args({ proxyOnlyCidr: "10.10.32.1/23" }))).toThrow(/Args\.proxyOnlyCidr: "10\.10\.32\.1\/23" is not an IPv4 CIDR block/);
    expect(() => new Network("none", args({ subnets: [] }))).toThrow(/Args\.subnets: no subnet declared/);
  });

  it("resolves Google APIs to private.googleapis.com by default: a private zone on the VPC, its records and route", async () => {
    new Network("pga", args({ namePrefix: "armature-pga" }));
    await mocks.settle();
    const zone = mocks.named("gcp:dns/managedZone:ManagedZone", "pga-googleapis").inputs;
    expect(zone).toMatchObject({ name: "armature-pga-googleapis", dnsName: "googleapis.com.", visibility: "private", privateVisibilityConfig: { networks: [{ networkUrl: "pga-id" }] }, labels: { team: "platform" } });
    const records = mocks.ofType("gcp:dns/recordSet:RecordSet").filter((record) => record.name.startsWith("pga-")).map((record) => record.inputs);
    expect(records.sort((a, b) => String(b.type).localeCompare(String(a.type)))).toEqual([
      { managedZone: "armature-pga-googleapis", name: "*.googleapis.com.", type: "CNAME", ttl: 300, rrdatas: ["private.googleapis.com."] },
      { managedZone: "armature-pga-googleapis", name: "private.googleapis.com.", type: "A", ttl: 300, rrdatas: ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"] },
    ]);
    expect(mocks.named("gcp:compute/route:Route", "pga-private-googleapis").inputs).toMatchObject({
      network: "pga-id",
      destRange: PRIVATE_GOOGLE_APIS_CIDR,
      nextHopGateway: "default-internet-gateway",
    });
  });

  it("leaves Google API DNS alone when asked (privateGoogleApis: false)", async () => {
    const network = new Network("public-apis", args({ namePrefix: "armature-public-apis", privateGoogleApis: false }));
    await mocks.settle();
    expect(network.privateGoogleApis).toBeUndefined();
    expect(mocks.ofType("gcp:dns/managedZone:ManagedZone").some((zone) => zone.name.startsWith("public-apis"))).toBe(false);
    expect(mocks.ofType("gcp:compute/route:Route").some((route) => route.name.startsWith("public-apis"))).toBe(false);
  });
});
