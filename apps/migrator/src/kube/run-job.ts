/**
 * Starts a Job in the cluster and streams its log: create the Job, wait for its pod to start,
 * follow the container's log to `sink`, then report how the container ended. Built on
 * @kubernetes/client-node (1.4, the last line that runs on Node 20). Not exercised against a live
 * cluster in this repository's tests (there is none here); its manifest and errors are.
 */
import { Writable } from "node:stream";
import type * as KubernetesClient from "@kubernetes/client-node";
import type { KubeConfig, V1Job, V1Pod } from "@kubernetes/client-node";
import { MigratorError } from "../errors";
import { containerName } from "./job-manifest";

export interface ClusterChoice {
  readonly kubeconfig?: string;
  readonly context?: string;
}

export interface JobOutcome {
  readonly jobName: string;
  readonly podName: string;
  /** The container's exit code, when it ran to an end. */
  readonly exitCode: number | undefined;
  readonly reason: string | undefined;
}

const kubernetesError = (message: string, hint?: string, cause?: unknown) => new MigratorError("kubernetes", message, hint, { cause });

/** The Kubernetes client, loaded on first use (the migrator image leaves it out: run `job` from a checkout). */
async function kubernetesClient(): Promise<typeof KubernetesClient> {
  try {
    return await import("@kubernetes/client-node");
  } catch (error) {
    throw kubernetesError("the job command needs @kubernetes/client-node, which is not installed here", "run it from a checkout: npm run migrator -- job ...", error);
  }
}

export async function loadKubeConfig(choice: ClusterChoice): Promise<KubeConfig> {
  const { KubeConfig } = await kubernetesClient();
  const config = new KubeConfig();
  try {
    if (choice.kubeconfig) config.loadFromFile(choice.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw kubernetesError(`cannot read the kubeconfig ${choice.kubeconfig ?? "(default)"}: ${(error as Error).message}`, "pass --kubeconfig <file> or set KUBECONFIG", error);
  }
  if (choice.context) {
    const names = config.getContexts().map((context) => context.name);
    if (!names.includes(choice.context)) {
      throw kubernetesError(`no context "${choice.context}" in the kubeconfig`, names.length > 0 ? `use one of: ${names.join(", ")}` : "the kubeconfig has no contexts");
    }
    config.setCurrentContext(choice.context);
  }
  if (!config.getCurrentCluster()) throw kubernetesError("the kubeconfig names no current cluster", "pass --context <name> or run `kubectl config use-context`");
  return config;
}

/** The `message` of a Kubernetes Status body, parsed or raw. */
function statusMessage(body: unknown): string | undefined {
  if (typeof body !== "string") return (body as { message?: string } | undefined)?.message;
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

/** Turns client errors (HTTP status or network) into one clear line. */
export function explainApiError(action: string, error: unknown, namespace: string): MigratorError {
  const { code, body, message } = error as { code?: number | string; body?: unknown; message?: string };
  const detail = statusMessage(body);
  if (code === 401) return kubernetesError(`${action}: the cluster refused our credentials (401)`, "refresh them, e.g. `gcloud container clusters get-credentials`", error);
  if (code === 403) return kubernetesError(`${action}: not allowed in namespace ${namespace} (403): ${detail ?? ""}`.trim(), "ask for create/get on jobs, pods and pods/log there", error);
  if (code === 404) return kubernetesError(`${action}: not found (404): ${detail ?? `namespace ${namespace}?`}`, "check --namespace", error);
  if (typeof code === "number") return kubernetesError(`${action}: the cluster answered ${code}: ${detail ?? message ?? ""}`.trim(), undefined, error);
  const network = (error as { cause?: { code?: string } }).cause?.code ?? code;
  return kubernetesError(`${action}: cannot reach the cluster (${network ?? message ?? String(error)})`, "check the kubeconfig's server address, VPN or authorized networks", error);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function waitingReason(pod: V1Pod): string | undefined {
  const waiting = pod.status?.containerStatuses?.find((status) => status.name === containerName)?.state?.waiting;
  return waiting?.reason && ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"].includes(waiting.reason)
    ? `${waiting.reason}: ${waiting.message ?? ""}`.trim()
    : undefined;
}

export async function runJob(config: KubeConfig, job: V1Job, sink: Writable, deadlineMs: number, onStatus: (message: string) => void): Promise<JobOutcome> {
  const { BatchV1Api, CoreV1Api, Log } = await kubernetesClient();
  const namespace = job.metadata?.namespace ?? "default";
  const jobName = job.metadata?.name ?? "";
  const batch = config.makeApiClient(BatchV1Api);
  const core = config.makeApiClient(CoreV1Api);
  await batch.createNamespacedJob({ namespace, body: job }).catch((error: unknown) => {
    throw explainApiError(`creating Job ${jobName}`, error, namespace);
  });
  onStatus(`created Job ${namespace}/${jobName}; waiting for its pod`);

  const deadline = Date.now() + deadlineMs;
  let pod: V1Pod | undefined;
  while (Date.now() < deadline) {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` }).catch((error: unknown) => {
      throw explainApiError(`listing the pods of Job ${jobName}`, error, namespace);
    });
    pod = pods.items[0];
    const stuck = pod && waitingReason(pod);
    if (stuck) throw kubernetesError(`the pod of Job ${jobName} cannot start: ${stuck}`, "check --image and the database URL Secret");
    if (pod?.status?.phase && pod.status.phase !== "Pending") break;
    await sleep(1000);
  }
  const podName = pod?.metadata?.name;
  if (!podName) throw kubernetesError(`Job ${jobName} has no running pod after ${Math.round(deadlineMs / 1000)} s`, `kubectl -n ${namespace} describe job ${jobName}`);

  onStatus(`streaming the log of pod ${podName}`);
  await new Promise<void>((resolve, reject) => {
    const tee = new Writable({
      write: (chunk: Buffer, _encoding, done) => sink.write(chunk, () => done()),
      final: (done) => {
        resolve();
        done();
      },
    });
    new Log(config).log(namespace, podName, containerName, tee, { follow: true }).catch((error: unknown) => reject(explainApiError(`reading the log of ${podName}`, error, namespace)));
  });

  while (Date.now() < deadline) {
    const current = await core.readNamespacedPod({ namespace, name: podName }).catch((error: unknown) => {
      throw explainApiError(`reading pod ${podName}`, error, namespace);
    });
    const terminated = current.status?.containerStatuses?.find((status) => status.name === containerName)?.state?.terminated;
    if (terminated) return { jobName, podName, exitCode: terminated.exitCode, reason: terminated.reason };
    if (current.status?.phase === "Failed") return { jobName, podName, exitCode: undefined, reason: current.status.reason };
    await sleep(1000);
  }
  return { jobName, podName, exitCode: undefined, reason: "deadline passed" };
}
