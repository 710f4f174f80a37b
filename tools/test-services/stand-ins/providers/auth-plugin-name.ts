/** The executable kubeconfigs for GKE name (components/gke-cluster/kubeconfig.ts). */
export const AUTH_PLUGIN_NAME = "gke-gcloud-auth-plugin";
