/**
 * The platform's VPC: node subnets with secondary ranges for pods and services, Cloud Router + NAT for
 * egress from private nodes, a private services access range (Cloud SQL, Memorystore), a proxy-only
 * subnet for regional Gateways, and firewall rules that open nothing to 0.0.0.0/0.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import { type Cidr, cidrsOverlap, isPrivateCidr, parseCidr } from "../shared/cidr";
import { type PrivateDnsZone, createPrivateDnsZone } from "../shared/private-dns-zone";
import { PRIVATE_GOOGLE_APIS_ADDRESSES, PRIVATE_GOOGLE_APIS_CIDR, PRIVATE_GOOGLE_APIS_HOST } from "../shared/private-google-access";
import type { Labels } from "../shared/types";

export interface SubnetSpec {
  /** Short name, unique in the network: "services", "workers". */
  readonly name: string;
  /** Primary range: the nodes. */
  readonly nodes: string;
  /** Secondary range for pods. */
  readonly pods: string;
  /** Secondary range for Services (ClusterIPs). */
  readonly services: string;
}

export interface NetworkArgs {
  /** Prefix of every resource name, e.g. "armature-dev". */
  readonly namePrefix: string;
  readonly region: string;
  readonly subnets: readonly SubnetSpec[];
  /** Proxy-only subnet for regional Gateways / internal load balancers: /26 or larger. */
  readonly proxyOnlyCidr: string;
  /** Range reserved for private services access (Cloud SQL, Memorystore): /24 or larger. */
  readonly privateServiceAccessCidr: string;
  /** Labels for the resources that take them (the PSA address). */
  readonly labels: Labels;
  /** VPC flow logs on every node subnet. Default true (CIS GCP 3.8). */
  readonly flowLogs?: boolean;
  /** Cloud NAT logging filter. Default "ERRORS_ONLY". */
  readonly natLogFilter?: "ERRORS_ONLY" | "TRANSLATIONS_ONLY" | "ALL";
  /** Allow SSH to nodes from Identity-Aware Proxy's range (35.235.240.0/20). Default false. */
  readonly allowIapSsh?: boolean;
  /**
   * Resolve `*.googleapis.com` to private.googleapis.com (199.36.153.8/30) in a private zone bound to
   * this VPC, with a route to that range through the default internet gateway. Default true.
   */
  readonly privateGoogleApis?: boolean;
}

export interface Subnet {
  readonly subnetwork: gcp.compute.Subnetwork;
  /** `projects/<p>/regions/<r>/subnetworks/<name>`. */
  readonly id: pulumi.Output<string>;
  readonly selfLink: pulumi.Output<string>;
  readonly podsRangeName: string;
  readonly servicesRangeName: string;
}

/** Google front ends and health checkers: load balancers reach backends from these only. */
export const GOOGLE_HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;
export const IAP_TCP_RANGE = "35.235.240.0/20";

export class Network extends pulumi.ComponentResource {
  readonly network: gcp.compute.Network;
  readonly networkId: pulumi.Output<string>;
  readonly networkSelfLink: pulumi.Output<string>;
  readonly subnets: Readonly<Record<string, Subnet>>;
  readonly proxyOnlySubnet: gcp.compute.Subnetwork;
  /** Name of the allocated range for private services access (Memorystore's reservedIpRange). */
  readonly privateServiceAccessRangeName: pulumi.Output<string>;
  /** Cloud SQL and Memorystore must depend on this peering. */
  readonly privateServiceAccess: gcp.servicenetworking.Connection;
  readonly router: gcp.compute.Router;
  readonly nat: gcp.compute.RouterNat;
  /** The `googleapis.com` private zone and the route to private.googleapis.com (unless turned off). */
  readonly privateGoogleApis: { readonly dns: PrivateDnsZone; readonly route: gcp.compute.Route } | undefined;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:network:Network", name, {}, opts);
    validate(name, args);
    const child = { parent: this };
    const prefix = args.namePrefix;

    this.network = new gcp.compute.Network(name, {
      name: prefix,
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      description: "Armature platform network",
    }, child);
    this.networkId = this.network.id;
    this.networkSelfLink = this.network.selfLink;

    const subnets: Record<string, Subnet> = {};
    for (const spec of args.subnets) {
      const podsRangeName = `${spec.name}-pods`;
      const servicesRangeName = `${spec.name}-services`;
      const subnetwork = new gcp.compute.Subnetwork(`${name}-${spec.name}`, {
        name: `${prefix}-${spec.name}`,
        network: this.network.id,
        region: args.region,
        ipCidrRange: spec.nodes,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: podsRangeName, ipCidrRange: spec.pods },
          { rangeName: servicesRangeName, ipCidrRange: spec.services },
        ],
        ...(args.flowLogs ?? true
          ? { logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" } }
          : {}),
      }, child);
      subnets[spec.name] = { subnetwork, id: subnetwork.id, selfLink: subnetwork.selfLink, podsRangeName, servicesRangeName };
    }
    this.subnets = subnets;

    this.proxyOnlySubnet = new gcp.compute.Subnetwork(`${name}-proxy-only`, {
      name: `${prefix}-proxy-only`,
      network: this.network.id,
      region: args.region,
      ipCidrRange: args.proxyOnlyCidr,
      purpose: "REGIONAL_MANAGED_PROXY",
      role: "ACTIVE",
    }, child);

    this.router = new gcp.compute.Router(name, { name: `${prefix}-router`, network: this.network.id, region: args.region }, child);
    this.nat = new gcp.compute.RouterNat(name, {
      name: `${prefix}-nat`,
      router: this.router.name,
      region: args.region,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      logConfig: { enable: true, filter: args.natLogFilter ?? "ERRORS_ONLY" },
    }, child);

    const psa = parseCidr(args.privateServiceAccessCidr)!;
    const psaAddress = new gcp.compute.GlobalAddress(`${name}-private-services`, {
      name: `${prefix}-private-services`,
      network: this.network.id,
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: psa.text.split("/")[0],
      prefixLength: psa.prefix,
      labels: { ...args.labels },
    }, child);
    this.privateServiceAccessRangeName = psaAddress.name;
    this.privateServiceAccess = new gcp.servicenetworking.Connection(`${name}-private-services`, {
      network: this.network.id,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: [psaAddress.name],
    }, child);

    this.createFirewallRules(name, args, child);
    this.privateGoogleApis = (args.privateGoogleApis ?? true) ? this.createPrivateGoogleApis(name, args, child) : undefined;

    this.registerOutputs({
      networkId: this.networkId,
      networkSelfLink: this.networkSelfLink,
      privateServiceAccessRangeName: this.privateServiceAccessRangeName,
    });
  }

  /**
   * Private Google Access with the private VIP, as Google documents it ("Configure Private Google
   * Access", DNS configuration and routing options): a private zone for googleapis.com with A records
   * for private.googleapis.com and a CNAME for every other name, and a route for its range. The route
   * is what the VPC's default route already gives, made explicit (as cloud-foundation-fabric's
   * net-vpc does by default) so API access survives removing the default internet route.
   */
  private createPrivateGoogleApis(name: string, args: NetworkArgs, opts: pulumi.CustomResourceOptions) {
    const dns = createPrivateDnsZone(`${name}-googleapis`, {
      zoneName: `${args.namePrefix}-googleapis`,
      domain: "googleapis.com",
      network: this.network.id,
      description: "Google APIs through private.googleapis.com (Private Google Access)",
      labels: args.labels,
      records: [
        { name: `${PRIVATE_GOOGLE_APIS_HOST}.`, type: "A", rrdatas: [...PRIVATE_GOOGLE_APIS_ADDRESSES] },
        { name: "*.googleapis.com.", type: "CNAME", rrdatas: [`${PRIVATE_GOOGLE_APIS_HOST}.`] },
      ],
    }, opts);
    const route = new gcp.compute.Route(`${name}-private-googleapis`, {
      name: `${args.namePrefix}-private-googleapis`,
      description: `${PRIVATE_GOOGLE_APIS_HOST} (Private Google Access)`,
      network: this.network.id,
      destRange: PRIVATE_GOOGLE_APIS_CIDR,
      nextHopGateway: "default-internet-gateway",
      priority: 1000,
    }, opts);
    return { dns, route };
  }

  private createFirewallRules(name: string, args: NetworkArgs, opts: pulumi.CustomResourceOptions): void {
    const internal = [...args.subnets.flatMap((spec) => [spec.nodes, spec.pods, spec.services]), args.proxyOnlyCidr];
    const rules: [string, Omit<gcp.compute.FirewallArgs, "network">][] = [
      ["allow-internal", {
        description: "Traffic between nodes, pods, Services and the Gateway proxies of this VPC.",
        direction: "INGRESS",
        sourceRanges: internal,
        allows: [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "icmp" }],
      }],
      ["allow-health-checks", {
        description: "Google load-balancer health checks and front ends (never 0.0.0.0/0).",
        direction: "INGRESS",
        sourceRanges: [...GOOGLE_HEALTH_CHECK_RANGES],
        allows: [{ protocol: "tcp" }],
      }],
      ...(args.allowIapSsh
        ? [["allow-iap-ssh", {
            description: "SSH through Identity-Aware Proxy only.",
            direction: "INGRESS",
            sourceRanges: [IAP_TCP_RANGE],
            allows: [{ protocol: "tcp", ports: ["22"] }],
          }] as [string, Omit<gcp.compute.FirewallArgs, "network">]]
        : []),
    ];
    for (const [rule, spec] of rules) {
      new gcp.compute.Firewall(`${name}-${rule}`, {
        ...spec,
        name: `${args.namePrefix}-${rule}`,
        network: this.network.id,
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
      }, opts);
    }
  }
}

function validate(name: string, args: NetworkArgs): void {
  const check = argChecker("Network", name);
  check(args.subnets.length > 0, "subnets", "no subnet declared", "declare at least one { name, nodes, pods, services }");
  const names = args.subnets.map((spec) => spec.name);
  check(new Set(names).size === names.length, "subnets", `duplicate subnet names in ${JSON.stringify(names)}`, "give each subnet a unique name");
  const seen: { arg: string; cidr: Cidr }[] = [];
  const range = (arg: string, text: string): Cidr => {
    const cidr = parseCidr(text);
    check(cidr !== undefined, arg, `${JSON.stringify(text)} is not an IPv4 CIDR block`, "use a network address with a prefix, e.g. 10.10.0.0/20");
    check(isPrivateCidr(cidr!, { allowSharedAddressSpace: true }), arg, `${text} is not a private range`, "use RFC 1918 (or 100.64.0.0/10) ranges");
    const clash = seen.find((other) => cidrsOverlap(other.cidr, cidr!));
    check(!clash, arg, `${text} overlaps ${clash?.arg} (${clash?.cidr.text})`, "choose ranges that do not overlap");
    seen.push({ arg, cidr: cidr! });
    return cidr!;
  };
  args.subnets.forEach((spec, index) => {
    for (const key of ["nodes", "pods", "services"] as const) range(`subnets[${index}].${key}`, spec[key]);
  });
  const proxy = range("proxyOnlyCidr", args.proxyOnlyCidr);
  check(proxy.prefix <= 26, "proxyOnlyCidr", `${proxy.text} is smaller than /26`, "use a /26 or larger range (GCP's minimum for proxy-only subnets)");
  const psa = range("privateServiceAccessCidr", args.privateServiceAccessCidr);
  check(psa.prefix <= 24, "privateServiceAccessCidr", `${psa.text} is smaller than /24`, "use a /24 or larger range (private services access needs at least /24)");
}
