/**
 * etcd from Debian's etcd-server package (3.4, which kube-apiserver still speaks to). The package also
 * ships a systemd service on the default ports 2379/2380; we never use it: the control plane starts its
 * own etcd on free loopback ports with a throwaway data folder.
 */
import { spawnSync } from "node:child_process";
import type { Log } from "./cached-build";

const ETCD = process.env["ARMATURE_ETCD"] ?? "etcd";

function which(command: string): string | undefined {
  const result = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function aptGet(args: readonly string[], log: Log): boolean {
  log(`engine: apt-get ${args.join(" ")}`);
  const result = spawnSync("apt-get", args, { stdio: ["ignore", process.stderr, process.stderr], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return result.status === 0;
}

/** The path of etcd, installing Debian's etcd-server when it is missing and we are root. */
export function ensureEtcd(log: Log): string {
  const found = which(ETCD);
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error("etcd is missing: install it (as root: apt-get install etcd-server), or set ARMATURE_ETCD to an etcd binary");
  }
  const install = ["install", "-y", "--no-install-recommends", "etcd-server"];
  if (!aptGet(install, log) && !(aptGet(["update"], log) && aptGet(install, log))) {
    throw new Error("apt-get install etcd-server failed (see the apt output above): install etcd yourself or set ARMATURE_ETCD");
  }
  const installed = which(ETCD);
  if (!installed) throw new Error("etcd-server was installed but no etcd command is on PATH: set ARMATURE_ETCD to the etcd binary");
  return installed;
}
