/**
 * How every client verifies Cloud SQL: the database URL says `sslmode=verify-ca` with
 * `sslrootcert=POSTGRES_CA_FILE`, and each pod that uses the URL mounts the instance's server CA
 * there, from the ConfigMap `postgres-server-ca` in its namespace (a CA is not secret). The same
 * ConfigMap carries the name the server's certificate must have (`<project>:<instance>`), which
 * pods take as DATABASE_TLS_SERVER_NAME (apps/kit/postgres-tls.ts checks it).
 *
 * verify-ca and not verify-full: Cloud SQL's per-instance CA signs a certificate named
 * `<project>:<instance>`, without the private IP as a subjectAltName, so no host name check can pass
 * (https://cloud.google.com/sql/docs/postgres/authorize-ssl). libpq, psql and pgx (KEDA's scaler)
 * read the URL as it is (https://www.postgresql.org/docs/current/libpq-ssl.html).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Labels } from "../shared/types";

export const POSTGRES_CA_CONFIG_MAP = "postgres-server-ca";
/** The ConfigMap key (and file name) of the CA's PEM. */
export const POSTGRES_CA_KEY = "server-ca.pem";
/** The ConfigMap key of the name the server's certificate must carry. */
export const POSTGRES_TLS_SERVER_NAME_KEY = "tls-server-name";
export const POSTGRES_CA_DIRECTORY = "/etc/armature/postgres";
export const POSTGRES_CA_FILE = `${POSTGRES_CA_DIRECTORY}/${POSTGRES_CA_KEY}`;
/** The environment variable the apps read the expected certificate name from. */
export const POSTGRES_TLS_SERVER_NAME_ENV = "DATABASE_TLS_SERVER_NAME";
const VOLUME = "postgres-ca";

export interface DatabaseUrlParts {
  readonly role: string;
  readonly password: string;
  readonly host: string;
  readonly database: string;
  readonly port?: number;
}

/** `postgresql://role:password@host:5432/database?sslmode=verify-ca&sslrootcert=<caFile>`. */
export function postgresUrl(parts: DatabaseUrlParts, caFile: string = POSTGRES_CA_FILE): string {
  const credentials = `${encodeURIComponent(parts.role)}:${encodeURIComponent(parts.password)}`;
  return `postgresql://${credentials}@${parts.host}:${parts.port ?? 5432}/${parts.database}?sslmode=verify-ca&sslrootcert=${caFile}`;
}

/** The name in the certificate of a Cloud SQL instance with a per-instance CA (GOOGLE_MANAGED_INTERNAL_CA). */
export function cloudSqlServerName(project: pulumi.Input<string>, instanceName: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${project}:${instanceName}`;
}

export interface PostgresServerCa {
  /** PEM of the instance's server CA(s). */
  readonly caCertificate: pulumi.Input<string>;
  /** What the server's certificate is named (PostgresInstance.tlsServerName). */
  readonly tlsServerName: pulumi.Input<string>;
}

/** The ConfigMap `postgres-server-ca` in `namespace`. */
export function createPostgresCaConfigMap(resourceName: string, namespace: pulumi.Input<string>, ca: PostgresServerCa, labels: Labels, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(resourceName, {
    metadata: { name: POSTGRES_CA_CONFIG_MAP, namespace, labels: { ...labels } },
    data: { [POSTGRES_CA_KEY]: ca.caCertificate, [POSTGRES_TLS_SERVER_NAME_KEY]: ca.tlsServerName },
  }, opts);
}

/** The pod volume with the CA file only (not the name), from the namespace's ConfigMap. */
export const postgresCaVolume = (configMapName: pulumi.Input<string> = POSTGRES_CA_CONFIG_MAP): k8s.types.input.core.v1.Volume => ({
  name: VOLUME,
  configMap: { name: configMapName, items: [{ key: POSTGRES_CA_KEY, path: POSTGRES_CA_KEY }] },
});

/** Mounts the CA read-only at POSTGRES_CA_DIRECTORY. */
export const postgresCaVolumeMount = (): k8s.types.input.core.v1.VolumeMount => ({ name: VOLUME, mountPath: POSTGRES_CA_DIRECTORY, readOnly: true });

/** DATABASE_TLS_SERVER_NAME from the namespace's ConfigMap. */
export const postgresTlsServerNameEnv = (): k8s.types.input.core.v1.EnvVar => ({
  name: POSTGRES_TLS_SERVER_NAME_ENV,
  valueFrom: { configMapKeyRef: { name: POSTGRES_CA_CONFIG_MAP, key: POSTGRES_TLS_SERVER_NAME_KEY } },
});
