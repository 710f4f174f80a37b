/**
 * The Artifact Registry repository `armature:apps.registry` names, when it names one
 * (`<location>-docker.pkg.dev/<project>/<repository>`): the clusters' node service accounts may pull
 * from it, nothing else is granted. Any other registry is taken as it is, managed elsewhere.
 */
import { ArtifactRegistry, parseRegistryPath } from "../components/artifact-registry/artifact-registry";
import type { StackConfig } from "./config/parse";
import type { Infrastructure } from "./infrastructure";
import type { Labels } from "./labels";

export function composeImageRegistry(config: StackConfig, infrastructure: Infrastructure, labels: Labels): ArtifactRegistry | undefined {
  if (!parseRegistryPath(config.apps.registry)) return undefined;
  const { services, workers } = infrastructure;
  const nodeAccounts = workers.cluster === services ? [services.nodeServiceAccount] : [services.nodeServiceAccount, workers.cluster.nodeServiceAccount];
  return new ArtifactRegistry("images", {
    registry: config.apps.registry,
    readers: nodeAccounts.map((account) => account.email),
    labels,
  }, infrastructure.componentOptions);
}
