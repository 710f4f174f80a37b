/**
 * What a namespace of platform apps holds besides the apps: the Namespace itself (restricted Pod
 * Security), the Secret and ConfigMaps the pod contract reads (pod-contract.ts), the database Secrets,
 * and one Kubernetes service account per app bound to its GCP service account (Workload Identity).
 * PlatformApps makes the `platform` namespace with them, WorkerAgents the `workers` namespace.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { type PostgresServerCa, createPostgresCaConfigMap } from "../postgres/server-ca";
import { RESTRICTED_POD_SECURITY } from "../shared/kubernetes";
import type { Labels } from "../shared/types";
import { workloadIdentityMember } from "../shared/workload-identity";
import type { PlatformApp } from "./app-names";
import type { AppIdentity } from "./deployment-targets";
import { AUTHORISATION_CONFIG_MAP, REDIS_CA_CONFIG_MAP, REDIS_SECRET } from "./pod-contract";

export function createAppNamespace(resourceName: string, namespaceName: string, labels: Labels, opts: pulumi.CustomResourceOptions, extraLabels: Labels = {}): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(resourceName, { metadata: { name: namespaceName, labels: { ...labels, ...RESTRICTED_POD_SECURITY, ...extraLabels } } }, opts);
}

/** What the pod contract's objects hold; the same in every namespace. */
export interface PodContractObjectsArgs {
  readonly labels: Labels;
  /** PEM of Memorystore's server CA(s). */
  readonly redisCaCertificate: pulumi.Input<string>;
  /** The authorisation rules document (JSON). */
  readonly authorisationRules: pulumi.Input<string>;
  readonly postgresServerCa: PostgresServerCa;
}

/**
 * ConfigMaps `platform-redis-ca`, `authorisation-rules` and `postgres-server-ca` in `namespace`. The
 * REDIS_URL Secret is the platform namespace's alone (createRedisSecret): worker agents do not read it.
 */
export function createPodContractObjects(resourcePrefix: string, namespace: pulumi.Input<string>, args: PodContractObjectsArgs, opts: pulumi.CustomResourceOptions): void {
  const { labels } = args;
  new k8s.core.v1.ConfigMap(`${resourcePrefix}-redis-ca`, {
    metadata: { name: REDIS_CA_CONFIG_MAP, namespace, labels },
    data: { "ca.crt": args.redisCaCertificate },
  }, opts);
  new k8s.core.v1.ConfigMap(`${resourcePrefix}-authorisation`, {
    metadata: { name: AUTHORISATION_CONFIG_MAP, namespace, labels },
    data: { "rules.json": args.authorisationRules },
  }, opts);
  createPostgresCaConfigMap(`${resourcePrefix}-postgres-ca`, namespace, args.postgresServerCa, labels, opts);
}

/** Secret `platform-redis` (REDIS_URL) in `namespace`. */
export function createRedisSecret(resourcePrefix: string, namespace: pulumi.Input<string>, redisUrl: pulumi.Output<string>, labels: Labels, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return createSecret(`${resourcePrefix}-redis`, REDIS_SECRET, namespace, "REDIS_URL", redisUrl, labels, opts);
}

/** An Opaque Secret holding one secret value under `key` (REDIS_URL, DATABASE_URL). */
export function createSecret(resourceName: string, secretName: string, namespace: pulumi.Input<string>, key: string, value: pulumi.Output<string>, labels: Labels, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(resourceName, {
    metadata: { name: secretName, namespace, labels },
    type: "Opaque",
    stringData: { [key]: value },
  }, opts);
}

export interface AppServiceAccountArgs {
  readonly app: PlatformApp;
  /** The namespace's name (the Workload Identity member names it, so a plain string). */
  readonly namespaceName: string;
  readonly namespace: k8s.core.v1.Namespace;
  readonly identity: AppIdentity;
  /** `<project>.svc.id.goog` of the cluster the app runs in. */
  readonly workloadPool: string;
  readonly labels: Labels;
}

/**
 * The app's Kubernetes service account (named after the app, API token unmounted) and its Workload
 * Identity binding to the app's GCP service account; returns the account's name. `kubernetes` puts the
 * account in its cluster, `google` parents the binding.
 */
export function createAppServiceAccount(resourcePrefix: string, args: AppServiceAccountArgs, kubernetes: pulumi.CustomResourceOptions, google: pulumi.CustomResourceOptions): string {
  const { app } = args;
  new k8s.core.v1.ServiceAccount(`${resourcePrefix}-${app}`, {
    metadata: { name: app, namespace: args.namespaceName, labels: args.labels, annotations: { "iam.gke.io/gcp-service-account": args.identity.email } },
    automountServiceAccountToken: false,
  }, { ...kubernetes, dependsOn: [args.namespace] });
  new gcp.serviceaccount.IAMMember(`${resourcePrefix}-${app}-workload-identity`, {
    serviceAccountId: args.identity.name,
    role: "roles/iam.workloadIdentityUser",
    member: workloadIdentityMember(args.workloadPool, args.namespaceName, app),
  }, google);
  return app;
}
