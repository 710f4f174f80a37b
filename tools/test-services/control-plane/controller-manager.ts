/**
 * One kube-controller-manager per cluster, so that the workload controllers act: a Deployment gets its
 * ReplicaSet and the ReplicaSet its Pods (which stay Pending: there is no scheduler or kubelet), namespaces
 * get their default service account, and refusals by admission show up as FailedCreate events. Flags:
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
 */
import path from "node:path";
import { exitReason, spawnServer, stopServer, tailOf } from "../child-process";
import { freePort } from "../free-port";
import { retryOnPortClash } from "../port-clash";
import { waitUntil } from "../wait-until";
import { expectOk } from "./https-get";

export interface ControllerManager {
  readonly port: number;
  stop(): Promise<void>;
}

export interface ControllerManagerOptions {
  readonly clusterName: string;
  readonly binary: string;
  /** The cluster's folder, holding kubeconfig, ca.crt and service-account.key (see api-server.ts). */
  readonly dir: string;
  readonly kubeconfigPath: string;
}

export function startControllerManager(options: ControllerManagerOptions): Promise<ControllerManager> {
  return retryOnPortClash(`kube-controller-manager ${options.clusterName}`, () => startOnce(options));
}

async function startOnce(options: ControllerManagerOptions): Promise<ControllerManager> {
  const port = await freePort();
  const logFile = path.join(options.dir, "kube-controller-manager.log");
  const child = spawnServer(
    options.binary,
    [
      `--kubeconfig=${options.kubeconfigPath}`,
      `--authentication-kubeconfig=${options.kubeconfigPath}`,
      `--authorization-kubeconfig=${options.kubeconfigPath}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      // Its self-signed serving certificate goes here instead of /var/run/kubernetes.
      `--cert-dir=${path.join(options.dir, "controller-manager-certs")}`,
      `--service-account-private-key-file=${path.join(options.dir, "service-account.key")}`,
      `--root-ca-file=${path.join(options.dir, "ca.crt")}`,
      "--profiling=false",
      "--v=1",
    ],
    logFile,
  );
  try {
    // /healthz is always allowed without credentials; the certificate is its own self-signed one.
    await waitUntil(`kube-controller-manager ${options.clusterName}`, () => expectOk(`https://127.0.0.1:${port}/healthz`, { insecure: true }), 60_000, 200, () => exitReason(child));
  } catch (error) {
    await stopServer(child);
    throw new Error(`${(error as Error).message}\n${tailOf(logFile)}`, { cause: error });
  }
  return { port, stop: () => stopServer(child) };
}
