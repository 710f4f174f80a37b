/**
 * The CustomResourceDefinitions the program's resources need (Gateway, HTTPRoute, ScaledObject,
 * PodMonitoring), taken from the upstream Go modules that ship them and installed with
 * `kubectl apply --server-side` (their size exceeds the last-applied annotation limit of client-side apply).
 * The YAML lookup is cached, so a warm start reads one file and runs no go command.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { moduleDir } from "../engine/build-steps";
import { cacheRoot } from "../engine/recipes";
import { waitUntil } from "../wait-until";
import { httpsGet } from "./https-get";

const run = promisify(execFile);

/** How to reach one cluster's API server as its admin. */
export interface ClusterAccess {
  readonly endpoint: string;
  readonly caCertificate: string;
  readonly token: string;
  readonly kubeconfigPath: string;
}

/**
 * Where the CRDs of the kinds the program creates come from (Gateway, HTTPRoute, ScaledObject), with the
 * kinds those refer to (GatewayClass, ReferenceGrant, TriggerAuthentication). Only these: each CRD costs the
 * API server time to install, and a warm start should take seconds. The versions are the newest whose
 * go.mod our Go 1.26 accepts.
 */
export const CRD_SOURCES = [
  {
    module: "sigs.k8s.io/gateway-api",
    version: "v1.6.3",
    dir: "config/crd/standard",
    files: ["gatewayclasses", "gateways", "httproutes", "referencegrants"].map((plural) => `gateway.networking.k8s.io_${plural}.yaml`),
  },
  {
    module: "github.com/kedacore/keda/v2",
    version: "v2.21.0",
    dir: "config/crd/bases",
    files: ["scaledobjects", "triggerauthentications", "clustertriggerauthentications"].map((plural) => `keda.sh_${plural}.yaml`),
  },
] as const;

/** Managed Prometheus' PodMonitoring and GKE's HealthCheckPolicy: no Go module we can fetch carries them (see each file's header). */
const STAND_IN_CRDS = ["podmonitoring-crd.stand-in.yaml", "healthcheckpolicy-crd.stand-in.yaml"].map((file) => path.join(__dirname, file));

function crdsFromModules(): string[] {
  return CRD_SOURCES.flatMap((source) => {
    const dir = path.join(moduleDir(source.module, source.version), source.dir);
    return source.files.map((file) => readFileSync(path.join(dir, file), "utf8"));
  });
}

/** One multi-document YAML file with every CRD, built on first use and cached by content. */
export function crdBundle(): string {
  const standIns = STAND_IN_CRDS.map((file) => readFileSync(file, "utf8"));
  const key = createHash("sha256").update(JSON.stringify({ CRD_SOURCES, standIns })).digest("hex").slice(0, 12);
  const bundle = path.join(cacheRoot(), "control-plane", `crds-${key}.yaml`);
  if (existsSync(bundle)) return bundle;
  const documents = [...crdsFromModules(), ...standIns].map((text) => text.replace(/^---\s*\n/, "").trimEnd());
  mkdirSync(path.dirname(bundle), { recursive: true });
  const temp = `${bundle}.tmp-${process.pid}`;
  writeFileSync(temp, `${documents.join("\n---\n")}\n`);
  renameSync(temp, bundle);
  return bundle;
}

/** Applies the CRD bundle to one cluster and waits until every CRD in it is Established (served). */
export async function installCrds(kubectl: string, cluster: ClusterAccess, bundle: string): Promise<void> {
  let applied: string;
  try {
    const args = ["--kubeconfig", cluster.kubeconfigPath, "apply", "--server-side", "--force-conflicts", "--field-manager=armature-test-services", "-o", "name", "-f", bundle];
    applied = (await run(kubectl, args, { maxBuffer: 4 << 20 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`installing the CRDs of ${bundle} with ${cluster.kubeconfigPath} failed: ${stderr.trim() || (error as Error).message}`, { cause: error });
  }
  // "customresourcedefinition.apiextensions.k8s.io/<name>" per line.
  const names = applied.trim().split("\n").map((line) => line.slice(line.indexOf("/") + 1));
  // One list request per try instead of `kubectl wait`, which costs a process and a watch per CRD.
  await waitUntil(`the CRDs on https://${cluster.endpoint}`, () => expectEstablished(cluster, names), 60_000, 100);
}

async function expectEstablished(cluster: ClusterAccess, names: readonly string[]): Promise<void> {
  const answer = await httpsGet(`https://${cluster.endpoint}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, { ca: cluster.caCertificate, token: cluster.token });
  if (answer.status !== 200) throw new Error(`listing CRDs answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const list = JSON.parse(answer.body) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
  const established = new Set(
    list.items.filter((crd) => crd.status?.conditions?.some((condition) => condition.type === "Established" && condition.status === "True")).map((crd) => crd.metadata.name),
  );
  const waiting = names.filter((name) => !established.has(name));
  if (waiting.length > 0) throw new Error(`not yet Established: ${waiting.join(", ")}`);
}
