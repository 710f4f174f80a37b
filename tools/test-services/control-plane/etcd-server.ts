/** One throwaway etcd on free loopback ports, shared by every API server of a control plane (each under its own prefix). */
import path from "node:path";
import { exitReason, spawnServer, stopServer, tailOf } from "../child-process";
import { freePort } from "../free-port";
import { retryOnPortClash } from "../port-clash";
import { waitUntil } from "../wait-until";

export interface EtcdServer {
  /** "http://127.0.0.1:PORT", for kube-apiserver's --etcd-servers. */
  readonly clientUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function startEtcd(etcd: string, workDir: string): Promise<EtcdServer> {
  return retryOnPortClash("etcd", () => startOnce(etcd, workDir));
}

async function startOnce(etcd: string, workDir: string): Promise<EtcdServer> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const logFile = path.join(workDir, "etcd.log");
  const child = spawnServer(
    etcd,
    [
      "--name=armature-test",
      `--data-dir=${path.join(workDir, `etcd-data-${clientPort}`)}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=armature-test=${peerUrl}`,
      "--logger=zap",
      "--log-level=warn",
    ],
    logFile,
  );
  try {
    await waitUntil("etcd", () => health(clientUrl), 20_000, 100, () => exitReason(child));
  } catch (error) {
    await stopServer(child);
    throw new Error(`${(error as Error).message}\n${tailOf(logFile)}`, { cause: error });
  }
  return { clientUrl, port: clientPort, stop: () => stopServer(child) };
}

async function health(clientUrl: string): Promise<void> {
  const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2000) });
  const body = (await response.json()) as { health?: string };
  if (body.health !== "true") throw new Error(`etcd /health says ${JSON.stringify(body)}`);
}
