/**
 * TLS to Redis with a private CA (Memorystore's in-transit encryption: each instance has its own server
 * CA, which clients must trust). The CA file is REDIS_TLS_CA_FILE: checked when the config is read,
 * and read once more for each client made.
 */
import { isIP } from "node:net";
import { type ConnectionOptions, type PeerCertificate, checkServerIdentity } from "node:tls";
import { z } from "zod";
import { caFileProblem, readCaFile } from "./ca-file";

/** The REDIS_TLS_CA_FILE config key: a path to a readable PEM file. */
export const redisTlsCaFile = z.string().superRefine((file, ctx) => {
  const problem = caFileProblem(file);
  if (problem) ctx.addIssue({ code: "custom", message: `a readable PEM file of CA certificates (${problem})` });
});

/**
 * Node's host check, plus one case: an IP host whose certificate has no subjectAltName at all but the
 * IP as its common name, as Memorystore's server certificates are reported to be made
 * (envoyproxy/ratelimit#409; Node checks IP hosts against IP SANs only). The chain is still verified
 * against the CA.
 */
export function checkRedisServerIdentity(host: string, certificate: PeerCertificate): Error | undefined {
  const problem = checkServerIdentity(host, certificate);
  if (problem && isIP(host) !== 0 && !certificate.subjectaltname && certificate.subject?.CN === host) return undefined;
  return problem;
}

/** ioredis' `tls` option for `url` with the CA(s) in `caFile`. */
export function redisTlsOptions(url: string, caFile: string): ConnectionOptions {
  if (!/^rediss:\/\//i.test(url)) {
    throw new Error("a Redis TLS CA file is set (REDIS_TLS_CA_FILE) but the Redis URL is not rediss://: use a rediss:// URL, or unset REDIS_TLS_CA_FILE");
  }
  const read = readCaFile(caFile);
  if ("problem" in read) throw new Error(`REDIS_TLS_CA_FILE ${caFile}: ${read.problem}`);
  return { ca: read.ca, checkServerIdentity: checkRedisServerIdentity };
}
