/** A kubeconfig for one cluster with a bearer token. Written as JSON, which every kubeconfig reader accepts (YAML is a superset). */
import { writeFile } from "node:fs/promises";

export interface KubeconfigInput {
  readonly clusterName: string;
  readonly endpoint: string;
  readonly caCertificate: string;
  readonly token: string;
  readonly user: string;
}

export function kubeconfigFor(input: KubeconfigInput): string {
  const context = input.clusterName;
  return `${JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: input.clusterName,
          cluster: { server: `https://${input.endpoint}`, "certificate-authority-data": Buffer.from(input.caCertificate).toString("base64") },
        },
      ],
      users: [{ name: input.user, user: { token: input.token } }],
      contexts: [{ name: context, context: { cluster: input.clusterName, user: input.user } }],
      "current-context": context,
    },
    null,
    2,
  )}\n`;
}

export async function writeKubeconfig(file: string, input: KubeconfigInput): Promise<void> {
  await writeFile(file, kubeconfigFor(input), { mode: 0o600 });
}
