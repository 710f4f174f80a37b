/**
 * TLS to Postgres from one libpq-style URL, so the same DATABASE_URL serves psql, pgx (KEDA's scaler)
 * and the apps: `sslmode` and `sslrootcert` are read here and turned into node-postgres' `ssl` option.
 * node-postgres 8 would read them itself, but treats `require` and `verify-ca` as `verify-full`
 * against the system CAs (https://github.com/brianc/node-postgres/tree/master/packages/pg-connection-string),
 * which Cloud SQL's server certificates never pass: they chain to the instance's own CA and are named
 * `<project>:<instance>`, with no IP subjectAltName
 * (https://github.com/GoogleCloudPlatform/cloud-sql-go-connector/pull/979).
 *
 * - `sslmode=verify-ca&sslrootcert=<file>`: the chain must lead to a CA in the file; the host name is
 *   not checked (libpq's meaning, https://www.postgresql.org/docs/current/libpq-ssl.html). When
 *   DATABASE_TLS_SERVER_NAME is set, the certificate must also name it, as its common name or a DNS
 *   subjectAltName (what Google's Cloud SQL connectors check).
 * - `sslmode=verify-full&sslrootcert=<file>`: the chain as above, and Node's host name check.
 * - no sslmode, or `disable`: no TLS (a local or test server).
 * Anything else (`require`, `prefer`, `allow`: TLS that accepts any server) is refused.
 */
import type { ConnectionOptions, PeerCertificate } from "node:tls";
import { readCaFile } from "./ca-file";
import { ConfigError } from "./config";

export const POSTGRES_TLS_SERVER_NAME_VARIABLE = "DATABASE_TLS_SERVER_NAME";
const URL_VARIABLE = "DATABASE_URL";
const VERIFYING_MODES = ["verify-ca", "verify-full"] as const;
const HANDLED = new Set(["sslmode", "sslrootcert"]);

/** node-postgres' connection options for a URL: the URL without its TLS parameters, and `ssl`. */
export interface PostgresConnectionConfig {
  readonly connectionString: string;
  readonly ssl: false | ConnectionOptions;
}

/** DATABASE_TLS_SERVER_NAME from the process environment (empty counts as unset). */
export function tlsServerNameFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[POSTGRES_TLS_SERVER_NAME_VARIABLE] || undefined;
}

/**
 * The connection options for `url`, checked: a bad sslmode, a missing or unreadable CA file, or a
 * server name without verification throws a ConfigError that names the setting and the fix.
 */
export function postgresConnectionConfig(url: string, tlsServerName: string | undefined = tlsServerNameFromEnv()): PostgresConnectionConfig {
  const queryAt = url.indexOf("?");
  const base = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1));
  const rest = new URLSearchParams([...query].filter(([key]) => !HANDLED.has(key)));
  const kept = rest.toString();
  const connectionString = kept ? `${base}?${kept}` : base;
  const mode = query.get("sslmode") ?? "disable";
  const rootCert = query.get("sslrootcert") ?? undefined;

  const problem = (variable: string, found: string, expected: string) => new ConfigError([{ variable, found, expected }]);
  const unsupported = [...rest.keys()].find((key) => key.startsWith("ssl") || key === "uselibpqcompat");
  if (unsupported) {
    throw problem(URL_VARIABLE, `the parameter ${unsupported}`, "only sslmode and sslrootcert as TLS parameters (client certificates are not used): remove it");
  }
  if (mode === "disable") {
    if (tlsServerName) {
      throw problem(POSTGRES_TLS_SERVER_NAME_VARIABLE, `${JSON.stringify(tlsServerName)} while the URL's sslmode is ${query.has("sslmode") ? "disable" : "unset"}`, "sslmode=verify-ca with sslrootcert in DATABASE_URL, or unset DATABASE_TLS_SERVER_NAME for a server without TLS");
    }
    return { connectionString, ssl: false };
  }
  if (!(VERIFYING_MODES as readonly string[]).includes(mode)) {
    throw problem(URL_VARIABLE, `sslmode=${mode}`, "sslmode=verify-ca (or verify-full) with sslrootcert=<the server's CA file>: other modes accept any server; use sslmode=disable only for a local server");
  }
  if (!rootCert) {
    throw problem(URL_VARIABLE, `sslmode=${mode} without sslrootcert`, "sslrootcert=<PEM file of the server's CA> as well, e.g. the mounted ConfigMap postgres-server-ca (/etc/armature/postgres/server-ca.pem)");
  }
  const read = readCaFile(rootCert);
  if ("problem" in read) {
    throw problem(URL_VARIABLE, `sslrootcert=${rootCert} (${read.problem})`, "sslrootcert naming a readable PEM file of the server's CA: mount the ConfigMap postgres-server-ca there");
  }
  if (mode === "verify-full") {
    if (tlsServerName) {
      throw problem(POSTGRES_TLS_SERVER_NAME_VARIABLE, `${JSON.stringify(tlsServerName)} with sslmode=verify-full`, "unset it (verify-full checks the host in the URL), or use sslmode=verify-ca");
    }
    return { connectionString, ssl: { ca: read.ca } };
  }
  return { connectionString, ssl: { ca: read.ca, checkServerIdentity: (_host, certificate) => serverNameProblem(tlsServerName, certificate) } };
}

/**
 * verify-ca's identity check: none without an expected name (the chain was verified against the CA
 * already: Node calls this only for a verified chain); with one, the certificate's common name or a
 * DNS subjectAltName must equal it.
 */
export function serverNameProblem(expected: string | undefined, certificate: PeerCertificate): Error | undefined {
  if (!expected) return undefined;
  // Node gives a repeated attribute as an array.
  const commonNames = [certificate.subject?.CN ?? []].flat();
  const dnsNames = (certificate.subjectaltname ?? "").split(", ").filter((name) => name.startsWith("DNS:")).map((name) => name.slice(4));
  if (commonNames.includes(expected) || dnsNames.some((name) => name.toLowerCase() === expected.toLowerCase())) return undefined;
  const found = [`CN=${commonNames.join("+") || "(none)"}`, ...dnsNames.map((name) => `DNS:${name}`)].join(", ");
  const error = new Error(`the Postgres server's certificate (${found}) does not name ${expected} (${POSTGRES_TLS_SERVER_NAME_VARIABLE}): check that DATABASE_URL points at that instance`);
  return Object.assign(error, { code: "ERR_TLS_CERT_ALTNAME_INVALID" });
}

/** Node's codes for a server certificate that does not chain to the trusted CA(s). */
const UNTRUSTED_CHAIN = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_SIGNATURE_FAILURE"]);

/** A sentence for a TLS failure reaching Postgres, or undefined when `error` is not one. */
export function describePostgresTlsFailure(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && UNTRUSTED_CHAIN.has(code)) {
    return `the server's certificate is not signed by the CA in sslrootcert (${message ?? code}): mount the instance's own server CA (ConfigMap postgres-server-ca)`;
  }
  if (code === "CERT_HAS_EXPIRED") return `the server's certificate has expired (${message ?? code})`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return message;
  if (typeof message === "string" && /server does not support SSL/i.test(message)) {
    return "the server does not offer TLS: use sslmode=disable only for a local server without TLS";
  }
  return undefined;
}
