/**
 * The pod contract: the environment variables each platform app's pod gets and the volumes mounted at
 * the paths they name. The apps read it through their zod schemas (apps/<app>/config.ts, the worker's
 * apps/worker/runtime/config.ts, the kit's apps/kit/config.ts); pod-contract.test.ts checks that each
 * variable written here is read by its app. PlatformApps (blue/green apps) and WorkerAgents both use it.
 * BlueGreenService adds SERVICE_VERSION itself; migration Jobs have their own (blue-green-service/migration-job.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { postgresCaVolume, postgresCaVolumeMount, postgresTlsServerNameEnv } from "../postgres/server-ca";
import type { PlatformApp } from "./app-names";
import { PLATFORM_NAMESPACE, WORKERS_NAMESPACE } from "./namespaces";

/** The Secret (in the platform namespace) holding REDIS_URL. */
export const REDIS_SECRET = "platform-redis";
/** Memorystore's server CA, as a ConfigMap (certificates are public) mounted at REDIS_CA_DIRECTORY. */
export const REDIS_CA_CONFIG_MAP = "platform-redis-ca";
const REDIS_CA_DIRECTORY = "/etc/armature/redis-ca";
export const REDIS_CA_FILE = `${REDIS_CA_DIRECTORY}/ca.crt`;
/** Discovery's active colour, through its ClusterIP Service (blue-green-service names it after the app). */
const DISCOVERY_URL = `http://discovery.${PLATFORM_NAMESPACE}.svc.cluster.local`;
/** The audience of the caller tokens platform pods present (the kit's DEFAULT_CALLER_AUDIENCE). */
export const CALLER_TOKEN_AUDIENCE = "armature-platform";
const CALLER_TOKEN_DIRECTORY = "/var/run/secrets/armature";
export const CALLER_TOKEN_FILE = `${CALLER_TOKEN_DIRECTORY}/token`;
/** The authorisation rules, as a ConfigMap mounted at this path (AUTHORISATION_RULES_FILE). */
export const AUTHORISATION_CONFIG_MAP = "authorisation-rules";
const AUTHORISATION_DIRECTORY = "/etc/armature/authorisation";
export const AUTHORISATION_RULES_FILE = `${AUTHORISATION_DIRECTORY}/rules.json`;
/** Worker agents stop within the 15 s GKE gives a spot node's pods (1 s preStop + 13 s). */
const WORKER_SHUTDOWN_TIMEOUT_MS = 13_000;

/** What the contract's values depend on. */
export interface PodContractInputs {
  /** Kafka bootstrap address (host:port). */
  readonly kafkaBrokers: pulumi.Input<string>;
  /** The issuers whose service-account tokens the apps accept from callers, comma-separated. */
  readonly callerTokenIssuers: pulumi.Input<string>;
  /** `*.<gatewayDomain>` are the platform's own addresses at the Gateway. */
  readonly gatewayDomain: string;
  /** The app has a database: its `<app>-database` Secret exists in its namespace. */
  readonly hasDatabase: boolean;
}

/** What the worker agents' own variables depend on. */
export interface WorkerAgentInputs {
  /** The worker release the agents run (SERVICE_VERSION). */
  readonly version: string;
  /** WORKER_CONCURRENCY: attempts each agent runs at once. */
  readonly runsPerAgent: number;
}

// Memorystore's and Cloud SQL's CAs, and the pod's caller token: a projected service-account token for the platform's
// audience, rotated by the kubelet (the API token itself stays unmounted).
export const POD_VOLUMES: { readonly volumes: k8s.types.input.core.v1.Volume[]; readonly volumeMounts: k8s.types.input.core.v1.VolumeMount[] } = {
  volumes: [
    { name: "redis-ca", configMap: { name: REDIS_CA_CONFIG_MAP } },
    postgresCaVolume(),
    { name: "caller-token", projected: { sources: [{ serviceAccountToken: { audience: CALLER_TOKEN_AUDIENCE, expirationSeconds: 3600, path: "token" } }] } },
    { name: "authorisation-rules", configMap: { name: AUTHORISATION_CONFIG_MAP } },
  ],
  volumeMounts: [
    { name: "redis-ca", mountPath: REDIS_CA_DIRECTORY, readOnly: true },
    postgresCaVolumeMount(),
    { name: "caller-token", mountPath: CALLER_TOKEN_DIRECTORY, readOnly: true },
    { name: "authorisation-rules", mountPath: AUTHORISATION_DIRECTORY, readOnly: true },
  ],
};

/** The environment every app's pod gets (worker agents add workerAgentEnv's). */
export function appEnv(app: PlatformApp, inputs: PodContractInputs): k8s.types.input.core.v1.EnvVar[] {
  return [
    { name: "LOG_FORMAT", value: "json" },
    // The apps' Kafka and Redis; worker agents read neither (apps/worker/runtime/config.ts), so get neither.
    ...(app === "worker"
      ? []
      : [
          { name: "KAFKA_BROKERS", value: inputs.kafkaBrokers },
          { name: "REDIS_URL", valueFrom: { secretKeyRef: { name: REDIS_SECRET, key: "REDIS_URL" } } },
        ]),
    // Managed Kafka takes only TLS + SASL: the pod's Workload Identity token (apps/kit/kafka-google-auth.ts).
    { name: "KAFKA_AUTH", value: "google" },
    { name: "REDIS_TLS_CA_FILE", value: REDIS_CA_FILE },
    // Writes need a verified caller (apps/kit/caller-authentication.ts); kit.http() presents this pod's token.
    { name: "CALLER_TOKEN_ISSUERS", value: inputs.callerTokenIssuers },
    { name: "CALLER_TOKEN_FILE", value: CALLER_TOKEN_FILE },
    // kit.http() sends that token only to the platform's own addresses, never to an override's target.
    { name: "CALLER_TOKEN_HOSTS", value: [`.${PLATFORM_NAMESPACE}.svc.cluster.local`, `.${PLATFORM_NAMESPACE}.svc`, `.${WORKERS_NAMESPACE}.svc.cluster.local`, `.${WORKERS_NAMESPACE}.svc`, `.${inputs.gatewayDomain}`].join(",") },
    // Who may change what (apps/kit/README.md, Authorisation): the stack's rules, re-read as the ConfigMap changes.
    { name: "AUTHORISATION_RULES_FILE", value: AUTHORISATION_RULES_FILE },
    // The health service probes every registered service and reports back: discovery's active Service, in-namespace.
    ...(app === "health" ? [{ name: "DISCOVERY_URL", value: DISCOVERY_URL }] : []),
    // Self-registration (apps/kit/self-registration.ts): the app's active Service, which every replica
    // and colour shares and which outlives any one pod, so a draining pod keeps it. Worker agents serve
    // no caller across their fence (platform-network-policies.ts), so they do not register.
    ...(app === "worker"
      ? []
      : [
          { name: "SELF_REGISTRATION_DISCOVERY_URL", value: DISCOVERY_URL },
          { name: "SELF_REGISTRATION_ENDPOINT", value: `http://${app}.${PLATFORM_NAMESPACE}.svc.cluster.local` },
          { name: "SELF_REGISTRATION_ON_DRAIN", value: "keep" },
        ]),
    // The URL names the mounted CA (sslrootcert); the certificate must also carry the instance's name.
    ...(inputs.hasDatabase ? [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: `${app}-database`, key: "DATABASE_URL" } } }, postgresTlsServerNameEnv()] : []),
    // Health learns registrations from discovery.registration.v1 into its own database (apps/health/registration-events.ts).
    ...(app === "health" && inputs.hasDatabase ? [{ name: "REGISTRATIONS_DATABASE_URL", valueFrom: { secretKeyRef: { name: "health-database", key: "DATABASE_URL" } } }] : []),
  ];
}

/** The worker agents' environment: every app's, then their own. */
export function workerAgentEnv(inputs: PodContractInputs, worker: WorkerAgentInputs): k8s.types.input.core.v1.EnvVar[] {
  return [
    ...appEnv("worker", inputs),
    { name: "SERVICE_VERSION", value: worker.version },
    { name: "WORKER_AGENT_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "WORKER_CONCURRENCY", value: String(worker.runsPerAgent) },
    // A spot node's pods get 15 s of its 30 s notice (GKE): finish for 8 s, hand back, exit by 13 s.
    { name: "SHUTDOWN_TIMEOUT_MS", value: String(WORKER_SHUTDOWN_TIMEOUT_MS) },
    { name: "WORKER_HANDBACK_MS", value: "5000" },
  ];
}
