/**
 * Where the stand-in GKE clusters really are: the e2e test starts one local kube-apiserver per GKE
 * cluster and describes them in `ARMATURE_STANDIN_GKE_CLUSTERS`, a JSON array of
 *   { "nameSuffix": "-services", "endpoint": "127.0.0.1:6443", "caCertificate": "<PEM>", "token"?: "..." }
 * A gcp.container.Cluster whose `name` ends with `nameSuffix` (or equals `name`, when an entry gives
 * one) gets that `endpoint` and CA; the gke-gcloud-auth-plugin stand-in answers that API server with
 * the entry's `token` (default: ARMATURE_STANDIN_KUBE_TOKEN).
 */
import { isObject } from "./wire";

export const GKE_CLUSTERS_VARIABLE = "ARMATURE_STANDIN_GKE_CLUSTERS";

export interface LocalCluster {
  name?: string;
  nameSuffix?: string;
  /** host:port of the API server, as GKE's `endpoint` (the kubeconfig adds https://). */
  endpoint: string;
  /** PEM of the CA that signed the API server's serving certificate. */
  caCertificate: string;
  token?: string;
}

export function localClusters(value: string | undefined = process.env[GKE_CLUSTERS_VARIABLE]): LocalCluster[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new Error(`${GKE_CLUSTERS_VARIABLE} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed)) throw new Error(`${GKE_CLUSTERS_VARIABLE} must be a JSON array of {nameSuffix, endpoint, caCertificate}`);
  return parsed.map((entry: unknown, index) => {
    const where = `${GKE_CLUSTERS_VARIABLE}[${index}]`;
    if (!isObject(entry)) throw new Error(`${where} must be an object`);
    const { name, nameSuffix, endpoint, caCertificate, token } = entry;
    if (typeof name !== "string" && typeof nameSuffix !== "string") throw new Error(`${where} needs "name" or "nameSuffix" (a string)`);
    if (typeof endpoint !== "string" || !/^[^/\s]+:\d+$/.test(endpoint)) throw new Error(`${where}.endpoint must be "host:port", got ${JSON.stringify(endpoint)}`);
    if (typeof caCertificate !== "string" || !caCertificate.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`${where}.caCertificate must be a PEM certificate`);
    if (token !== undefined && typeof token !== "string") throw new Error(`${where}.token must be a string`);
    return {
      ...(typeof name === "string" ? { name } : {}),
      ...(typeof nameSuffix === "string" ? { nameSuffix } : {}),
      endpoint,
      caCertificate,
      ...(typeof token === "string" ? { token } : {}),
    };
  });
}

/** The local API server standing in for the GKE cluster `clusterName`; a clear error when none does. */
export function clusterFor(clusterName: string, clusters: LocalCluster[] = localClusters()): LocalCluster {
  const matches = clusters.filter((cluster) => cluster.name === clusterName || (cluster.nameSuffix !== undefined && clusterName.endsWith(cluster.nameSuffix)));
  if (matches.length === 1) return matches[0]!;
  const described = clusters.map((cluster) => cluster.name ?? `*${cluster.nameSuffix}`).join(", ") || "none";
  if (matches.length === 0) {
    throw new Error(
      `no local API server stands in for the GKE cluster ${JSON.stringify(clusterName)}: ${GKE_CLUSTERS_VARIABLE} lists ${described}. ` +
        `Start one and add {"nameSuffix": "...", "endpoint": "127.0.0.1:<port>", "caCertificate": "<PEM>"} for it.`,
    );
  }
  throw new Error(`the GKE cluster ${JSON.stringify(clusterName)} matches ${matches.length} entries of ${GKE_CLUSTERS_VARIABLE} (${described}); make the suffixes distinct`);
}
