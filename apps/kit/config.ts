/**
 * Config from the environment, validated by zod. A bad value stops the process before it listens,
 * with one line per problem naming the variable, the value found, what is expected and how to fix
 * it (wording: config-problems.ts).
 */
import { z } from "zod";
import { type ConfigProblem, configProblem } from "./config-problems";
import { DEFAULT_CALLER_AUDIENCE } from "./caller-authentication";
import { redisTlsCaFile } from "./redis-tls";

/** Issuer URLs: https, or http on the loopback interface (a test issuer). */
const issuerList = z
  .string()
  .refine(
    (value) => value.split(",").every((item) => /^https:\/\/[^\s,]+$/.test(item) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/[^\s,]*)?$/.test(item)),
    "https issuer URLs, comma-separated, e.g. https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/c",
  );

/** KAFKA_BROKERS: the bootstrap brokers, host:port, comma-separated (apps that use Kafka add it to their schema). */
export const kafkaBrokerList = z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "host:port[,host:port...]");

/** Keys every Armature app reads. Apps extend this with their own (see createService's `config`). */
export const kitConfigSchema = z.object({
  /** 0 picks a free port (tests). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  SERVICE_VERSION: z.string().min(1).default("dev"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  LOG_FORMAT: z.enum(["json", "plain"]).default("json"),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** After SIGTERM readiness fails at once; the server keeps serving this long before it stops accepting. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(20_000).default(0),
  /** Hard limit for a graceful shutdown; well inside Kubernetes' 30 s termination grace. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(28_000).default(20_000),
  /** Each dependency check (Postgres, Redis, Kafka) fails when it takes longer than this. */
  HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(1000),
  /** OTLP/HTTP traces endpoint (e.g. http://otel-collector:4318/v1/traces); traces are not exported when unset. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** PEM file of the CA(s) of the Redis server's certificate (rediss:// URLs), e.g. Memorystore's server CA. */
  REDIS_TLS_CA_FILE: redisTlsCaFile.optional(),
  /**
   * With DATABASE_URL's sslmode=verify-ca: the name the Postgres server's certificate must carry (its
   * common name or a DNS subjectAltName), e.g. Cloud SQL's `<project>:<instance>` (postgres-tls.ts).
   */
  DATABASE_TLS_SERVER_NAME: z.string().regex(/^\S{1,253}$/, "a certificate name without spaces, e.g. my-project:my-instance").optional(),
  /** "none": a plaintext broker (local, tests). "google": Managed Kafka over TLS with the pod's Workload Identity token. */
  KAFKA_AUTH: z.enum(["none", "google"]).default("none"),
  /** Set: a change needs a verified caller (a bearer token from one of these OIDC issuers); the asserted actor is not trusted. */
  CALLER_TOKEN_ISSUERS: issuerList.optional(),
  /** The audience caller tokens must name. */
  CALLER_TOKEN_AUDIENCE: z.string().min(1).max(256).default(DEFAULT_CALLER_AUDIENCE),
  /** A token file (a projected service-account token) that kit.http() clients send as `Authorization: Bearer`. */
  CALLER_TOKEN_FILE: z.string().startsWith("/", "an absolute path").optional(),
  /** Hosts (exact) and domains (starting with ".") that kit.http() sends CALLER_TOKEN_FILE's token to; nowhere else. */
  CALLER_TOKEN_HOSTS: z
    .string()
    .regex(/^[a-z0-9.:-]+(,[a-z0-9.:-]+)*$/, 'hosts or ".domain" suffixes, comma-separated, e.g. .platform.svc.cluster.local,.platform.example.internal')
    .optional(),
  /** The authorisation rules document, inline (JSON; authorisation/rules.ts). Unset with AUTHORISATION_RULES_FILE: the shipped rules alone. */
  AUTHORISATION_RULES: z.string().max(512 * 1024).optional(),
  /** The authorisation rules document as a file (a mounted ConfigMap), re-read every AUTHORISATION_RELOAD_MS. */
  AUTHORISATION_RULES_FILE: z.string().startsWith("/", "an absolute path").optional(),
  AUTHORISATION_RELOAD_MS: z.coerce.number().int().min(10).max(600_000).default(30_000),
  /** Discovery's base URL. Set: the app registers itself there once ready and deregisters when it drains (self-registration.ts). */
  SELF_REGISTRATION_DISCOVERY_URL: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).optional(),
  /** The address callers reach this app at (in the cluster, its Service). Unset: the address it listens on. */
  SELF_REGISTRATION_ENDPOINT: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).optional(),
  /** "deregister": one process per endpoint (local). "keep": a Service address every replica shares, which outlives one pod. */
  SELF_REGISTRATION_ON_DRAIN: z.enum(["deregister", "keep"]).default("deregister"),
});
export type KitConfig = z.infer<typeof kitConfigSchema>;

export type { ConfigProblem };

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(["invalid configuration:", ...problems.map((p) => `  ${p.variable}: found ${p.found}; expected ${p.expected}`)].join("\n"));
    this.name = "ConfigError";
  }
}

export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // Empty variables count as unset, as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => configProblem(issue, schema, present)));
}
