/**
 * Where a Helm chart comes from: its repository (the upstream one by default, or a mirror) or a
 * chart folder on disk (an air-gapped stack, or a test stack's small chart of its own). A folder
 * must be an absolute path: the Helm release runs in the Kubernetes provider's working directory,
 * not the program's.
 */
import path from "node:path";
import type * as k8s from "@pulumi/kubernetes";

export type HelmChartSource = { readonly repository: string } | { readonly path: string };

/** The Release inputs that name the chart: `chart` plus `repositoryOpts` for a repository. */
export function helmChart(chart: string, source: HelmChartSource): Pick<k8s.helm.v3.ReleaseArgs, "chart" | "repositoryOpts"> {
  return "path" in source ? { chart: source.path } : { chart, repositoryOpts: { repo: source.repository } };
}

/** Why `source` cannot be used, or undefined. */
export function helmChartSourceProblem(source: HelmChartSource | undefined): string | undefined {
  if (source && "path" in source && !path.isAbsolute(source.path)) return `${JSON.stringify(source.path)} is not an absolute path`;
  return undefined;
}
