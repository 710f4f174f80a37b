/**
 * HA Vault on the services cluster from HashiCorp's official Helm chart: 3 (or 5, 7) replicas on
 * integrated Raft storage spread across zones, GCP KMS auto-unseal with its own key ring, key and
 * service account (reached through Workload Identity, no key files), TLS from a private CA, and a
 * volume for the file audit log.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { argChecker } from "../shared/arg-error";
import { isControlPlaneCidr } from "../shared/cidr";
import { type HelmChartSource, helmChart, helmChartSourceProblem } from "../shared/helm-chart";
import { NAMESPACE_NAME } from "../shared/kubernetes";
import { EARLY_RENEWAL_HOURS } from "../shared/private-ca";
import { serviceAccountId } from "../shared/naming";
import { createNetworkPolicies } from "../shared/network-policies";
import type { Labels } from "../shared/types";
import { workloadIdentityMember } from "../shared/workload-identity";
import { vaultNamespacePolicies } from "./vault-network-policies";
import { createVaultTls } from "./vault-tls";
import { AUDIT_LOG_PATH, vaultValues } from "./vault-values";

export interface VaultArgs {
  /** Prefix of resource names and project-wide ids, e.g. "armature-dev". */
  readonly namePrefix: string;
  readonly project: string;
  /** Region of the KMS key ring (the cluster's region). */
  readonly region: string;
  /** The services cluster's Kubernetes provider. */
  readonly provider: k8s.Provider;
  /** The cluster's Workload Identity pool, `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** Pinned version of the `vault` chart. */
  readonly chartVersion: string;
  readonly labels: Labels;
  /** Raft voters: an odd number, 3 to 7. Default 3. */
  readonly replicas?: number;
  /** Default "vault". */
  readonly namespace?: string;
  /**
   * Where the chart comes from: `{ repository }` (default HashiCorp's, or a mirror) or `{ path }`, an
   * absolute path to a chart folder (an air-gapped stack, or the test stack's small chart).
   */
  readonly chartSource?: HelmChartSource;
  /** Default "10Gi". */
  readonly dataStorageSize?: string;
  /** Default "10Gi". */
  readonly auditStorageSize?: string;
  /** Rotation of the unseal key. Default 90 days ("7776000s"). */
  readonly keyRotationPeriod?: string;
  /** Default 5 years. */
  readonly caValidityHours?: number;
  /** Default 1 year; re-issued by `pulumi up` in the last 30 days. */
  readonly certificateValidityHours?: number;
  /** The Vault Agent injector. Default true. */
  readonly injector?: boolean;
  /** Default true: the unseal key is `protect`ed (destroying it would make Vault's data unreadable). */
  readonly deletionProtection?: boolean;
  /** The services cluster's control-plane range: the namespace fence lets the API server and Vault reach each other. */
  readonly controlPlaneCidr: string;
  /** Namespaces whose pods may call Vault, besides every tenant namespace (e.g. the platform's). */
  readonly clientNamespaces: readonly string[];
}

export const VAULT_CHART_REPOSITORY = "https://helm.releases.hashicorp.com";

/** What the unseal service account may do, on the unseal key only. */
export const UNSEAL_KEY_ROLES = ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.viewer"] as const;
const RELEASE = "vault";
const TLS_SECRET = "vault-server-tls";

export class Vault extends pulumi.ComponentResource {
  readonly namespace: string;
  /** In-cluster address, TLS: `https://vault.<namespace>.svc:8200`. */
  readonly address: string;
  /** PEM of the private CA that signed Vault's certificate (public). */
  readonly caCertificate: pulumi.Output<string>;
  readonly serviceAccountEmail: pulumi.Output<string>;
  readonly keyRingId: pulumi.Output<string>;
  readonly cryptoKeyId: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;
  /** Run once after `vault operator init` (audit devices can only be enabled through Vault's API). */
  readonly auditEnableCommand = `vault audit enable file file_path=${AUDIT_LOG_PATH}`;

  constructor(name: string, args: VaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:vault:Vault", name, {}, opts);
    validate(name, args);
    const gcpChild = { parent: this };
    const k8sChild = { parent: this, provider: args.provider };
    const namespaceName = args.namespace ?? "vault";
    const replicas = args.replicas ?? 3;
    this.namespace = namespaceName;
    this.address = `https://${RELEASE}.${namespaceName}.svc:8200`;

    // Key rings can never be deleted in GCP: a random suffix lets a stack be destroyed and re-created.
    const suffix = new random.RandomId(`${name}-keyring-suffix`, { byteLength: 3 }, gcpChild);
    const keyRing = new gcp.kms.KeyRing(`${name}-unseal`, {
      name: pulumi.interpolate`${args.namePrefix}-${name}-${suffix.hex}`,
      location: args.region,
    }, gcpChild);
    const cryptoKey = new gcp.kms.CryptoKey(`${name}-unseal`, {
      name: "vault-unseal",
      keyRing: keyRing.id,
      purpose: "ENCRYPT_DECRYPT",
      rotationPeriod: args.keyRotationPeriod ?? "7776000s",
      labels: { ...args.labels },
    }, { parent: this, protect: args.deletionProtection ?? true });
    this.keyRingId = keyRing.id;
    this.cryptoKeyId = cryptoKey.id;

    const account = new gcp.serviceaccount.Account(`${name}-unseal`, {
      accountId: serviceAccountId(args.namePrefix, `${name}-unseal`),
      displayName: "Vault auto-unseal (GCP KMS), via Workload Identity",
    }, gcpChild);
    this.serviceAccountEmail = account.email;
    for (const role of UNSEAL_KEY_ROLES) {
      new gcp.kms.CryptoKeyIAMMember(`${name}-unseal-${role.split(".")[1]}`, {
        cryptoKeyId: cryptoKey.id,
        role,
        member: pulumi.interpolate`serviceAccount:${account.email}`,
      }, gcpChild);
    }
    new gcp.serviceaccount.IAMMember(`${name}-workload-identity`, {
      serviceAccountId: account.name,
      role: "roles/iam.workloadIdentityUser",
      member: workloadIdentityMember(args.workloadPool, namespaceName, RELEASE),
    }, gcpChild);

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: namespaceName,
        labels: {
          ...args.labels,
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    }, k8sChild);

    createNetworkPolicies(name, namespace.metadata.name, args.labels, vaultNamespacePolicies({
      controlPlaneCidr: args.controlPlaneCidr,
      clientNamespaces: args.clientNamespaces,
      injector: args.injector ?? true,
    }), k8sChild);

    const tlsMaterial = createVaultTls(name, {
      namespace: namespace.metadata.name,
      labels: args.labels,
      namespaceName,
      releaseName: RELEASE,
      caValidityHours: args.caValidityHours ?? 5 * 8760,
      certificateValidityHours: args.certificateValidityHours ?? 8760,
      secretName: TLS_SECRET,
    }, k8sChild);
    this.caCertificate = tlsMaterial.caCertificate;

    const values = pulumi
      .all([keyRing.name, cryptoKey.name, account.email])
      .apply(([keyRingName, cryptoKeyName, email]) => vaultValues({
        releaseName: RELEASE,
        namespace: namespaceName,
        replicas,
        project: args.project,
        region: args.region,
        keyRing: keyRingName,
        cryptoKey: cryptoKeyName,
        gcpServiceAccountEmail: email,
        tlsSecretName: TLS_SECRET,
        dataStorageSize: args.dataStorageSize ?? "10Gi",
        auditStorageSize: args.auditStorageSize ?? "10Gi",
        injector: args.injector ?? true,
      }));
    this.release = new k8s.helm.v3.Release(name, {
      name: RELEASE,
      ...helmChart("vault", args.chartSource ?? { repository: VAULT_CHART_REPOSITORY }),
      version: args.chartVersion,
      namespace: namespace.metadata.name,
      values,
      atomic: true,
      timeout: 600,
    }, { ...k8sChild, dependsOn: [tlsMaterial.secret] });

    this.registerOutputs({ address: this.address, serviceAccountEmail: this.serviceAccountEmail, keyRingId: this.keyRingId });
  }
}

function validate(name: string, args: VaultArgs): void {
  const check = argChecker("Vault", name);
  const replicas = args.replicas ?? 3;
  check(
    Number.isInteger(replicas) && replicas >= 3 && replicas <= 7 && replicas % 2 === 1,
    "replicas",
    `${replicas} is not 3, 5 or 7`,
    "use an odd number of Raft voters from 3 to 7 (an even number adds no fault tolerance)",
  );
  check(isControlPlaneCidr(args.controlPlaneCidr), "controlPlaneCidr", `${JSON.stringify(args.controlPlaneCidr)} is not a /28 CIDR block`, "give the services cluster's masterCidr, e.g. 172.16.0.0/28");
  const checkNamespace = (arg: string, namespace: string | undefined) =>
    check(NAMESPACE_NAME.test(namespace ?? "vault"), arg, `${JSON.stringify(namespace)} is not a Kubernetes namespace name`, "use lowercase letters, digits and '-'");
  args.clientNamespaces.forEach((namespace, index) => checkNamespace(`clientNamespaces[${index}]`, namespace));
  checkNamespace("namespace", args.namespace);
  const chartProblem = helmChartSourceProblem(args.chartSource);
  check(chartProblem === undefined, "chartSource.path", chartProblem ?? "", "resolve the chart folder first (the Helm release runs in the provider's working directory, not the program's)");
  check(/^\d+\.\d+\.\d+$/.test(args.chartVersion), "chartVersion", `${JSON.stringify(args.chartVersion)} is not a pinned chart version`, "pin an exact version such as 0.31.0");
  check(/^\d+s$/.test(args.keyRotationPeriod ?? "7776000s") && Number.parseInt(args.keyRotationPeriod ?? "7776000s", 10) >= 86400, "keyRotationPeriod", `${JSON.stringify(args.keyRotationPeriod)} is not a duration of a day or more in seconds`, 'use e.g. "7776000s" (90 days)');
  const ca = args.caValidityHours ?? 5 * 8760;
  const leaf = args.certificateValidityHours ?? 8760;
  check(leaf > EARLY_RENEWAL_HOURS && leaf < ca, "certificateValidityHours", `${leaf} is not between the 30-day renewal window and the CA's ${ca} hours`, `keep the server certificate shorter-lived than its CA and longer than ${EARLY_RENEWAL_HOURS} hours`);
}
