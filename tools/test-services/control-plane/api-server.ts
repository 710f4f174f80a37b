/**
 * One kube-apiserver: its own etcd prefix, its own CA and serving certificate, a static admin token in
 * system:masters, RBAC, and the default admission plugins (PodSecurity included). Flags:
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { exitReason, spawnServer, stopServer, tailOf } from "../child-process";
import { freePort } from "../free-port";
import { retryOnPortClash } from "../port-clash";
import { waitUntil } from "../wait-until";
import type { ClusterPki } from "./certificates";
import { expectOk } from "./https-get";

export interface ApiServer {
  readonly port: number;
  /** "127.0.0.1:PORT", as GKE reports a cluster's endpoint (no scheme). */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface ApiServerOptions {
  readonly clusterName: string;
  readonly binary: string;
  readonly etcdUrl: string;
  /** The cluster's own folder, for its certificates, token file and log. */
  readonly dir: string;
  readonly pki: ClusterPki;
  readonly adminToken: string;
}

export const ADMIN_USER = "armature-test-admin";

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const file = (name: string) => path.join(options.dir, name);
  await Promise.all([
    writeFile(file("ca.crt"), options.pki.caCertificate),
    writeFile(file("apiserver.crt"), options.pki.servingCertificate),
    writeFile(file("apiserver.key"), options.pki.servingKey, { mode: 0o600 }),
    writeFile(file("service-account.key"), options.pki.serviceAccountPrivateKey, { mode: 0o600 }),
    writeFile(file("service-account.pub"), options.pki.serviceAccountPublicKey),
    // Static token file format: token,user,uid,"group1,group2"
    // (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file).
    writeFile(file("tokens.csv"), `${options.adminToken},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, { mode: 0o600 }),
  ]);
  return retryOnPortClash(`kube-apiserver ${options.clusterName}`, () => startOnce(options, file));
}

async function startOnce(options: ApiServerOptions, file: (name: string) => string): Promise<ApiServer> {
  const port = await freePort();
  const logFile = file("kube-apiserver.log");
  const child = spawnServer(
    options.binary,
    [
      `--etcd-servers=${options.etcdUrl}`,
      // Every cluster keeps its objects under its own prefix of the one etcd.
      `--etcd-prefix=/armature/${options.clusterName}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${options.dir}`,
      `--tls-cert-file=${file("apiserver.crt")}`,
      `--tls-private-key-file=${file("apiserver.key")}`,
      `--client-ca-file=${file("ca.crt")}`,
      `--token-auth-file=${file("tokens.csv")}`,
      "--authorization-mode=RBAC",
      `--service-account-issuer=https://127.0.0.1:${port}`,
      `--service-account-key-file=${file("service-account.pub")}`,
      `--service-account-signing-key-file=${file("service-account.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      // Lets a privileged pod past the API's own validation, so that Pod Security admission is what refuses it.
      "--allow-privileged=true",
      // The default reconciler would publish 127.0.0.1 as the `kubernetes` Service's endpoint, which the API refuses (loopback).
      "--endpoint-reconciler-type=none",
      "--profiling=false",
      "--v=1",
    ],
    logFile,
  );
  const ca = options.pki.caCertificate;
  try {
    await waitUntil(
      `kube-apiserver ${options.clusterName}`,
      () => expectOk(`https://127.0.0.1:${port}/readyz`, { ca, token: options.adminToken }),
      60_000,
      200,
      () => exitReason(child),
    );
  } catch (error) {
    await stopServer(child);
    throw new Error(`${(error as Error).message}\n${tailOf(logFile)}`, { cause: error });
  }
  return { port, endpoint: `127.0.0.1:${port}`, stop: () => stopServer(child, 10_000) };
}
