/**
 * A migrator run as a Kubernetes Job, following the migrator's container contract (apps/migrator:
 * the command is the container's argument, `DATABASE_URL` comes from a Secret, `MIGRATOR_DATABASE`
 * names the migrations folder baked into the image; the URL's sslrootcert names Cloud SQL's CA, which
 * the Job mounts from the namespace's `postgres-server-ca` ConfigMap, components/postgres/server-ca.ts).
 * @pulumi/kubernetes waits for a Job to complete (and fails the update if it fails), so whatever
 * depends on the Job starts only after it succeeded.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT, imageVersion, toLabelValue } from "../shared/kubernetes";
import type { Labels } from "../shared/types";
import { postgresCaVolume, postgresCaVolumeMount, postgresTlsServerNameEnv } from "../postgres/server-ca";

/** The migrator command the Job runs: expand, contract, or undo the latest contract (apps/migrator/README.md). */
export type MigrationPhase = "pre" | "post" | "rollback-post";

export interface SecretKeyRef {
  readonly name: pulumi.Input<string>;
  readonly key: string;
}

export interface MigrationJobSpec {
  readonly namespace: pulumi.Input<string>;
  /** The Job's name: a new name per release, so a new release runs a new Job. */
  readonly jobName: string;
  readonly phase: MigrationPhase;
  /** The migrator image, pinned. */
  readonly image: string;
  /** The folder under migrations/ in the image (MIGRATOR_DATABASE). */
  readonly database: string;
  /** The Secret key holding the database URL. */
  readonly databaseUrl: SecretKeyRef;
  readonly labels: Labels;
  readonly serviceAccountName?: pulumi.Input<string>;
  /** Kubernetes kills the Job after this. Default 1800. */
  readonly deadlineSeconds?: number;
}

/** `<prefix>-<migrator version>`, a valid object name: a new migrator release is a new Job (Job templates are immutable). */
export function migrationJobName(prefix: string, migratorImage: string): string {
  return toLabelValue(`${prefix}-${imageVersion(migratorImage).toLowerCase().replace(/[._]/g, "-")}`).toLowerCase();
}

export function createMigrationJob(resourceName: string, spec: MigrationJobSpec, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
  const deadline = spec.deadlineSeconds ?? 1800;
  const labels = {
    ...spec.labels,
    "app.kubernetes.io/name": "migrator",
    "app.kubernetes.io/component": "database-migration",
    "armature.dev/database": toLabelValue(spec.database),
    "armature.dev/migration-phase": spec.phase,
  };
  return new k8s.batch.v1.Job(resourceName, {
    metadata: { name: spec.jobName, namespace: spec.namespace, labels },
    spec: {
      // A failed migration is never retried blindly: the next release (a new Job) is the fix.
      backoffLimit: 0,
      activeDeadlineSeconds: deadline,
      // No ttlSecondsAfterFinished: the Job is Pulumi's; if Kubernetes deleted it, a refresh would re-run it.
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
          securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
          // The database URL names the server's CA file (sslrootcert): the namespace's postgres-server-ca ConfigMap.
          volumes: [postgresCaVolume()],
          containers: [{
            name: "migrator",
            image: spec.image,
            args: [spec.phase],
            env: [
              { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: spec.databaseUrl.name, key: spec.databaseUrl.key } } },
              { name: "MIGRATOR_DATABASE", value: spec.database },
              { name: "LOG_FORMAT", value: "json" },
              postgresTlsServerNameEnv(),
            ],
            volumeMounts: [postgresCaVolumeMount()],
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } },
            securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
          }],
        },
      },
    },
  }, { ...opts, customTimeouts: { create: `${deadline + 120}s`, update: `${deadline + 120}s` } });
}
