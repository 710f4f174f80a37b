/**
 * A chart source from stack config (`armature:charts.<name>`) as components take it: a folder
 * relative to Pulumi.yaml becomes an absolute path, since the Helm release runs in the Kubernetes
 * provider's working directory.
 */
import type { HelmChartSource } from "../components/shared/helm-chart";
import type { ChartSourceConfig } from "./config/schema";
import { fromProjectRoot } from "./config/project-root";

export function chartSourceOf(config: ChartSourceConfig | undefined): HelmChartSource | undefined {
  if (config?.path !== undefined) return { path: fromProjectRoot(config.path) };
  if (config?.repository !== undefined) return { repository: config.repository };
  return undefined;
}

/** `{ [arg]: source }` when the stack sets one, else nothing: components keep their default. */
export function optionalChartSource<K extends string>(arg: K, config: ChartSourceConfig | undefined): Partial<Record<K, HelmChartSource>> {
  const source = chartSourceOf(config);
  return source ? ({ [arg]: source } as Partial<Record<K, HelmChartSource>>) : {};
}
