/**
 * The Kubernetes Job that runs one migrator command in the cluster: the same container contract as
 * the blue/green pre- and post-deploy Jobs (README "Container contract"), with the Pod Security
 * Standards `restricted` defaults (non-root, read-only root, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp), no service-account token, requests and limits and
 * no automatic retry. Like those Jobs it mounts the Postgres server CA that the database URL's
 * `sslrootcert` names, from the namespace's `postgres-server-ca` ConfigMap (components/postgres
 * README), and reads the certificate name to expect from it. The ConfigMap is optional, so a
 * namespace without one (a local database without TLS) still runs the Job.
 */
import { randomBytes } from "node:crypto";
import type { V1Job } from "@kubernetes/client-node";

export interface SecretRef {
  readonly name: string;
  readonly key: string;
}

export interface JobSpecInput {
  readonly namespace: string;
  /** The migrator image, pinned by tag or digest. */
  readonly image: string;
  /** The database folder baked into the image (MIGRATOR_DATABASE). */
  readonly database: string;
  /** The migrator command line inside the container, e.g. ["pre"] or ["plan", "post"]. */
  readonly args: readonly string[];
  /** The Secret key holding the database URL (becomes DATABASE_URL). */
  readonly databaseUrlSecret: SecretRef;
  readonly serviceAccountName?: string;
  /** Kills the Job after this many seconds. */
  readonly deadlineSeconds: number;
  /** Suffix for the Job's name; random by default. */
  readonly nameSuffix?: string;
}

export const containerName = "migrator";
/** The platform's Postgres TLS contract: where the server CA is mounted, and its ConfigMap. */
export const postgresCa = { configMap: "postgres-server-ca", key: "server-ca.pem", nameKey: "tls-server-name", directory: "/etc/armature/postgres" } as const;
export const nonRootUid = 65532; // distroless "nonroot"

export function jobName(database: string, command: string, suffix = randomBytes(3).toString("hex")): string {
  return `migrator-${database.replace(/_/g, "-")}-${command}-${suffix}`.slice(0, 63).replace(/-+$/, "");
}

export function migratorJob(input: JobSpecInput): V1Job {
  const command = input.args[0] ?? "status";
  const name = jobName(input.database, command, input.nameSuffix);
  const labels = {
    "app.kubernetes.io/name": "migrator",
    "app.kubernetes.io/component": "database-migration",
    "app.kubernetes.io/managed-by": "armature-migrator",
    "armature.dev/database": input.database.replace(/_/g, "-"),
    "armature.dev/migrator-command": command,
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: input.namespace, labels },
    spec: {
      // A migration is never retried blindly: a rerun is safe (lock + history) but is an operator's call.
      backoffLimit: 0,
      activeDeadlineSeconds: input.deadlineSeconds,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          ...(input.serviceAccountName && { serviceAccountName: input.serviceAccountName }),
          securityContext: { runAsNonRoot: true, runAsUser: nonRootUid, runAsGroup: nonRootUid, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: containerName,
              image: input.image,
              args: [...input.args],
              env: [
                { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: input.databaseUrlSecret.name, key: input.databaseUrlSecret.key } } },
                { name: "MIGRATOR_DATABASE", value: input.database },
                { name: "LOG_FORMAT", value: "json" },
                { name: "DATABASE_TLS_SERVER_NAME", valueFrom: { configMapKeyRef: { name: postgresCa.configMap, key: postgresCa.nameKey, optional: true } } },
              ],
              volumeMounts: [{ name: "postgres-ca", mountPath: postgresCa.directory, readOnly: true }],
              resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
          volumes: [{ name: "postgres-ca", configMap: { name: postgresCa.configMap, items: [{ key: postgresCa.key, path: postgresCa.key }], optional: true } }],
        },
      },
    },
  };
}
