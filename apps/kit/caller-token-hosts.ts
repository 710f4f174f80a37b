/**
 * Where a service's own caller token may be sent: platform addresses only. A developer override
 * can point a service's traffic at a laptop; the token (the pod's projected service-account token)
 * must not go there, or its holder could replay it against the platform's APIs until it expires.
 */

/** The platform apps' Services in-cluster, the Gateway's default domain, and loopback. */
export const DEFAULT_CALLER_TOKEN_HOSTS: readonly string[] = [
  ".platform.svc.cluster.local",
  ".platform.svc",
  ".workers.svc.cluster.local",
  ".workers.svc",
  ".platform.armature.internal",
  "localhost",
  "127.0.0.1",
  "::1",
];

/** Entries starting with "." match any host under that domain; others match the host exactly. */
export function isPlatformAddress(url: string | URL, hosts: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return false;
  }
  return hosts.some((entry) => (entry.startsWith(".") ? host.endsWith(entry) : host === entry));
}
