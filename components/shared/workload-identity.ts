/** The IAM member that lets Kubernetes service account `namespace/serviceAccount` act as a GCP service account (Workload Identity). */
export function workloadIdentityMember(workloadPool: string, namespace: string, serviceAccount: string): string {
  return `serviceAccount:${workloadPool}[${namespace}/${serviceAccount}]`;
}
