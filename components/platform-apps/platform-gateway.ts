/**
 * The platform Gateway and what makes its names work inside the VPC:
 * - a regional internal static address in the services subnet, purpose SHARED_LOADBALANCER_VIP, named
 *   in the Gateway's `spec.addresses` (GKE docs, "Deploying Gateways": Gateway IP addressing), so the
 *   address outlives the load balancer and DNS can point at it;
 * - a Cloud DNS private zone for the platform domain bound to the VPC: `*.<domain>` → that address;
 * - an HTTPS listener terminating TLS with a certificate from a Kubernetes Secret (GKE docs, "Gateway
 *   security": Kubernetes Secrets work with the regional gke-l7-rilb class). The certificate is issued
 *   by a private CA made here (@pulumi/tls), unless the caller brings its own. No HTTP listener: a
 *   plaintext request would carry its headers in clear before any redirect could help, and every
 *   client of an internal domain can be given https:// URLs.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_PORT } from "../shared/network-policies";
import { type TlsResourceOptions, createPrivateCa, issueServerCertificate } from "../shared/private-ca";
import { type PrivateDnsZone, createPrivateDnsZone } from "../shared/private-dns-zone";
import type { Labels } from "../shared/types";

export interface GatewayCertificate {
  /** PEM, the server certificate first, then any intermediates. */
  readonly certificatePem: pulumi.Input<string>;
  /** PEM; pass a Pulumi secret (e.g. from `pulumi config set --secret`). */
  readonly privateKeyPem: pulumi.Input<string>;
}

export interface PlatformGatewayArgs {
  readonly gatewayName: string;
  readonly namespace: pulumi.Input<string>;
  readonly className: string;
  readonly domain: string;
  /** Label that lets a namespace attach routes. */
  readonly routeAccessLabel: string;
  readonly labels: Labels;
  /** GCP names start with it ("armature-dev"). */
  readonly namePrefix: string;
  readonly region: string;
  readonly networkId: pulumi.Input<string>;
  /** A regular subnet of the region (not the proxy-only one): the address comes from it. */
  readonly subnetworkId: pulumi.Input<string>;
  /** Bring your own certificate; default: issued by a private CA made here. */
  readonly certificate?: GatewayCertificate;
  /** Default 10 years. */
  readonly caValidityHours?: number;
  /** Default 1 year, re-issued by the first `pulumi up` in its last 30 days. */
  readonly certificateValidityHours?: number;
}

export interface PlatformGateway {
  readonly gateway: k8s.apiextensions.CustomResource;
  /** The Gateway's internal IP address. */
  readonly address: pulumi.Output<string>;
  readonly dns: PrivateDnsZone;
  /** PEM of the private CA clients must trust (undefined when the caller brought a certificate). */
  readonly caCertificate: pulumi.Output<string> | undefined;
}

export const GATEWAY_TLS_SECRET = "platform-gateway-tls";
export const GATEWAY_LISTENER = "https";

/** `gcpOpts` is only a parent: the gcp provider comes from it, and the tls resources take no other package's provider. */
export function createPlatformGateway(name: string, args: PlatformGatewayArgs, gcpOpts: TlsResourceOptions, k8sOpts: pulumi.CustomResourceOptions): PlatformGateway {
  const address = new gcp.compute.Address(`${name}-gateway`, {
    name: `${args.namePrefix}-gateway`,
    description: `Internal address of the platform Gateway (*.${args.domain})`,
    region: args.region,
    subnetwork: args.subnetworkId,
    addressType: "INTERNAL",
    purpose: "SHARED_LOADBALANCER_VIP",
    labels: { ...args.labels },
  }, gcpOpts);

  const dns = createPrivateDnsZone(`${name}-platform-domain`, {
    zoneName: `${args.namePrefix}-platform-domain`,
    domain: args.domain,
    network: args.networkId,
    description: `Platform apps behind the Gateway (${args.domain})`,
    labels: args.labels,
    records: [{ name: `*.${args.domain}.`, type: "A", rrdatas: [address.address] }],
  }, gcpOpts);

  let certificate: GatewayCertificate;
  let caCertificate: pulumi.Output<string> | undefined;
  if (args.certificate) {
    certificate = { certificatePem: args.certificate.certificatePem, privateKeyPem: pulumi.secret(args.certificate.privateKeyPem) };
  } else {
    const ca = createPrivateCa(`${name}-gateway-ca`, { commonName: `Armature platform CA (${args.namePrefix})`, validityHours: args.caValidityHours ?? 10 * 8760 }, gcpOpts);
    const server = issueServerCertificate(`${name}-gateway`, ca, {
      commonName: `*.${args.domain}`,
      dnsNames: [`*.${args.domain}`, args.domain],
      validityHours: args.certificateValidityHours ?? 8760,
    }, gcpOpts);
    certificate = { certificatePem: server.certPem, privateKeyPem: server.privateKeyPem };
    caCertificate = ca.certPem;
  }
  const secret = new k8s.core.v1.Secret(`${name}-gateway-tls`, {
    metadata: { name: GATEWAY_TLS_SECRET, namespace: args.namespace, labels: { ...args.labels } },
    type: "kubernetes.io/tls",
    stringData: { "tls.crt": certificate.certificatePem, "tls.key": certificate.privateKeyPem },
  }, k8sOpts);

  const gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: args.gatewayName, namespace: args.namespace, labels: { ...args.labels } },
    spec: {
      gatewayClassName: args.className,
      addresses: [{ type: "NamedAddress", value: address.name }],
      listeners: [{
        name: GATEWAY_LISTENER,
        protocol: "HTTPS",
        port: GATEWAY_PORT,
        hostname: `*.${args.domain}`,
        tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: GATEWAY_TLS_SECRET }] },
        // Only namespaces the platform labels (its own, and tenants') may attach routes.
        allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { [args.routeAccessLabel]: "true" } } } },
      }],
    },
  }, { ...k8sOpts, dependsOn: [secret] });

  return { gateway, address: address.address, dns, caCertificate };
}
