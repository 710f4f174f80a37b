/**
 * A Cloud DNS private zone bound to one VPC, with its records: names in it resolve only for clients in
 * that network (VMs, GKE nodes and pods through kube-dns and the metadata server).
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { Labels } from "./types";

export interface PrivateDnsRecord {
  /** Fully qualified, with the trailing dot: "*.googleapis.com.". */
  readonly name: string;
  readonly type: "A" | "CNAME";
  readonly rrdatas: pulumi.Input<pulumi.Input<string>[]>;
}

export interface PrivateDnsZoneArgs {
  /** The zone's resource name in the project (unique per project). */
  readonly zoneName: string;
  /** The domain without the trailing dot: "googleapis.com". */
  readonly domain: string;
  /** The VPC (id or self link) that sees the zone. */
  readonly network: pulumi.Input<string>;
  readonly description: string;
  readonly labels: Labels;
  readonly records: readonly PrivateDnsRecord[];
  /** Default 300 s: Cloud DNS's default, and what Google's Private Google Access examples use. */
  readonly ttl?: number;
}

export interface PrivateDnsZone {
  readonly zone: gcp.dns.ManagedZone;
  readonly records: readonly gcp.dns.RecordSet[];
}

export function createPrivateDnsZone(name: string, args: PrivateDnsZoneArgs, opts: pulumi.CustomResourceOptions): PrivateDnsZone {
  const zone = new gcp.dns.ManagedZone(name, {
    name: args.zoneName,
    dnsName: `${args.domain}.`,
    description: args.description,
    visibility: "private",
    privateVisibilityConfig: { networks: [{ networkUrl: args.network }] },
    labels: { ...args.labels },
  }, opts);
  const records = args.records.map((record) =>
    new gcp.dns.RecordSet(`${name}-${record.type.toLowerCase()}-${record.name.replace(/^\*\./, "wildcard.").replace(/\.$/, "").replace(/[^a-z0-9-]+/g, "-")}`, {
      managedZone: zone.name,
      name: record.name,
      type: record.type,
      ttl: args.ttl ?? 300,
      rrdatas: record.rrdatas,
    }, opts));
  return { zone, records };
}
