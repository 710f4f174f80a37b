/**
 * The gke-gcloud-auth-plugin stand-in: a client-go exec credential plugin that prints an
 * ExecCredential (client.authentication.k8s.io/v1beta1) with a bearer token for the local API server.
 * The token is the matching ARMATURE_STANDIN_GKE_CLUSTERS entry's `token` (matched on the server in
 * KUBERNETES_EXEC_INFO, which client-go sets because the kubeconfig asks for provideClusterInfo),
 * else ARMATURE_STANDIN_KUBE_TOKEN.
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
 */
import { localClusters } from "./gke-clusters";
import { isObject } from "./wire";

export const KUBE_TOKEN_VARIABLE = "ARMATURE_STANDIN_KUBE_TOKEN";
const API_VERSION = "client.authentication.k8s.io/v1beta1";
/** As long as gcloud's access tokens live. */
const LIFETIME_MS = 60 * 60 * 1000;

function serverOf(execInfo: string | undefined): string | undefined {
  if (!execInfo) return undefined;
  try {
    const info: unknown = JSON.parse(execInfo);
    const cluster = isObject(info) && isObject(info["spec"]) ? info["spec"]["cluster"] : undefined;
    return isObject(cluster) && typeof cluster["server"] === "string" ? cluster["server"] : undefined;
  } catch {
    return undefined;
  }
}

/** The ExecCredential JSON, or an error saying which variable to set. */
export function execCredential(env: NodeJS.ProcessEnv = process.env, now = new Date()): string {
  const server = serverOf(env["KUBERNETES_EXEC_INFO"]);
  const cluster = server ? localClusters(env["ARMATURE_STANDIN_GKE_CLUSTERS"]).find((entry) => server.replace(/^https:\/\//, "") === entry.endpoint) : undefined;
  const token = cluster?.token ?? env[KUBE_TOKEN_VARIABLE];
  if (!token) {
    throw new Error(
      `gke-gcloud-auth-plugin (stand-in): no token for ${server ?? "this cluster"}: set ${KUBE_TOKEN_VARIABLE}, ` +
        `or a "token" in the ARMATURE_STANDIN_GKE_CLUSTERS entry for that endpoint`,
    );
  }
  return JSON.stringify({
    kind: "ExecCredential",
    apiVersion: API_VERSION,
    spec: { interactive: false },
    status: { token, expirationTimestamp: new Date(now.getTime() + LIFETIME_MS).toISOString().replace(/\.\d{3}Z$/, "Z") },
  });
}
