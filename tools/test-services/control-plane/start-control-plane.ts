/**
 * Real Kubernetes control planes on loopback, one per cluster name (the program has two GKE clusters):
 * one etcd shared by all, then per cluster a kube-apiserver (own etcd prefix, CA, admin token), a
 * kube-controller-manager, and the CRDs the program uses. No scheduler or kubelet: pods stay Pending.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EngineBinaries } from "../engine/ensure-engine";
import { ADMIN_USER, type ApiServer, startApiServer } from "./api-server";
import { makeClusterPki } from "./certificates";
import { type ControllerManager, startControllerManager } from "./controller-manager";
import { crdBundle, installCrds } from "./crds";
import { type EtcdServer, startEtcd } from "./etcd-server";
import { writeKubeconfig } from "./kubeconfig";

export interface LocalCluster {
  name: string;
  /** "127.0.0.1:PORT", like GKE's endpoint: no scheme. */
  endpoint: string;
  /** PEM of the cluster's own CA, which signed the API server's certificate. */
  caCertificate: string;
  /** Bearer token of an admin in system:masters. */
  token: string;
  /** A kubeconfig with that token, its only context being this cluster. */
  kubeconfigPath: string;
}

export interface ControlPlane {
  clusters: Record<string, LocalCluster>;
  /** Stops the API servers and controller-managers, then etcd, and removes the work folder if startControlPlane made it. */
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  clusters: readonly string[];
  binaries: Pick<EngineBinaries, "etcd" | "kubeApiserver" | "kubeControllerManager" | "kubectl">;
  /** Where logs, certificates and etcd's data go; a fresh temp folder (removed on stop) if not given. */
  workDir?: string;
  log?: (line: string) => void;
}

interface RunningCluster {
  cluster?: LocalCluster;
  apiServer?: ApiServer;
  controllerManager?: ControllerManager;
}

const CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const names = [...options.clusters];
  const invalid = names.filter((name) => !CLUSTER_NAME.test(name));
  if (names.length === 0 || invalid.length > 0 || new Set(names).size !== names.length) {
    throw new Error(`startControlPlane needs distinct cluster names of lowercase letters, digits and dashes; got ${JSON.stringify(names)}`);
  }
  const started = Date.now();
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(path.join(tmpdir(), "armature-control-plane-")));
  await mkdir(workDir, { recursive: true });

  const running: RunningCluster[] = names.map(() => ({}));
  let etcd: EtcdServer | undefined;
  const stopServers = async () => {
    // API servers (and their controller-managers) before etcd: an API server whose etcd is gone hangs on shutdown.
    await Promise.allSettled(running.flatMap((entry) => [entry.controllerManager, entry.apiServer]).flatMap((server) => (server ? [server.stop()] : [])));
    await etcd?.stop();
  };
  const stop = async () => {
    await stopServers();
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
  };

  try {
    const bundle = crdBundle();
    etcd = await startEtcd(options.binaries.etcd, workDir);
    const etcdUrl = etcd.clientUrl;
    const results = await Promise.allSettled(names.map((name, index) => startCluster(name, workDir, etcdUrl, bundle, options.binaries, running[index] as RunningCluster)));
    const failures = results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : []));
    if (failures.length > 0) throw new Error(failures.join("\n"));
  } catch (error) {
    // The servers are stopped; their logs stay in the work folder for the reader of this error.
    await stopServers();
    throw new Error(`the local Kubernetes control plane did not start (logs in ${workDir}): ${(error as Error).message}`, { cause: error });
  }

  const clusters = Object.fromEntries(running.map((entry) => [entry.cluster?.name, entry.cluster] as [string, LocalCluster]));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`control plane ready in ${seconds} s: ${Object.values(clusters).map((cluster) => `${cluster.name} https://${cluster.endpoint}`).join(", ")}`);
  return { clusters, stop };
}

async function startCluster(
  name: string,
  workDir: string,
  etcdUrl: string,
  crdBundlePath: string,
  binaries: ControlPlaneOptions["binaries"],
  running: RunningCluster,
): Promise<void> {
  const dir = path.join(workDir, name);
  await mkdir(dir, { recursive: true });
  const pki = await makeClusterPki(name, dir);
  const token = randomBytes(32).toString("hex");
  running.apiServer = await startApiServer({ clusterName: name, binary: binaries.kubeApiserver, etcdUrl, dir, pki, adminToken: token });
  const endpoint = running.apiServer.endpoint;
  const kubeconfigPath = path.join(dir, "kubeconfig");
  await writeKubeconfig(kubeconfigPath, { clusterName: name, endpoint, caCertificate: pki.caCertificate, token, user: ADMIN_USER });
  // Settled, not Promise.all: a controller-manager that starts after the CRDs failed must still be stopped.
  const results = await Promise.allSettled([
    startControllerManager({ clusterName: name, binary: binaries.kubeControllerManager, dir, kubeconfigPath }).then((started) => {
      running.controllerManager = started;
    }),
    installCrds(binaries.kubectl, { endpoint, caCertificate: pki.caCertificate, token, kubeconfigPath }, crdBundlePath),
  ]);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  running.cluster = { name, endpoint, caCertificate: pki.caCertificate, token, kubeconfigPath };
}
