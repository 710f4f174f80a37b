/**
 * A kubeconfig for a GKE cluster that authenticates with gke-gcloud-auth-plugin (no static
 * credentials, nothing secret inside: the plugin fetches a short-lived token from gcloud).
 */
import { stringify } from "yaml";

export interface KubeconfigInput {
  readonly clusterName: string;
  /** The control plane's address (the private endpoint for a private cluster). */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, as GKE reports it. */
  readonly caCertificate: string;
}

export function gkeKubeconfig({ clusterName, endpoint, caCertificate }: KubeconfigInput): string {
  const context = clusterName;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: `https://${endpoint}`, "certificate-authority-data": caCertificate } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    users: [{
      name: context,
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "gke-gcloud-auth-plugin",
          installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
          provideClusterInfo: true,
        },
      },
    }],
  });
}
