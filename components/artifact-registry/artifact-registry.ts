/**
 * The platform's container image repository in Artifact Registry: Docker format, tags immutable (a
 * release tag always names the same image), vulnerability scanning on, cleanup policies, and read
 * access for the clusters' node service accounts only (the kubelet pulls with the node's identity).
 * https://cloud.google.com/artifact-registry/docs/repositories/create-repos
 * https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy
 * https://cloud.google.com/artifact-analysis/docs/container-scanning-overview
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import type { Labels } from "../shared/types";

/** `<location>-docker.pkg.dev/<project>/<repository>`: an Artifact Registry Docker repository path. */
const REGISTRY_PATH = /^([a-z0-9-]+)-docker\.pkg\.dev\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/([a-z]([a-z0-9-]{0,61}[a-z0-9])?)$/;

export interface RegistryPath {
  readonly location: string;
  readonly project: string;
  readonly repositoryId: string;
}

/** The parts of an Artifact Registry Docker path, or undefined for any other registry. */
export function parseRegistryPath(registry: string): RegistryPath | undefined {
  const match = REGISTRY_PATH.exec(registry);
  return match ? { location: match[1]!, project: match[2]!, repositoryId: match[3]! } : undefined;
}

export interface ArtifactRegistryArgs {
  /** Where images are pushed and pulled: `<location>-docker.pkg.dev/<project>/<repository>`. */
  readonly registry: string;
  /** Service account emails that may pull (roles/artifactregistry.reader on this repository): the nodes'. */
  readonly readers: readonly pulumi.Input<string>[];
  readonly labels: Labels;
  readonly description?: string;
  /** Versions (images) kept per package by the keep policy, newest first. Default 20. */
  readonly keepRecentVersions?: number;
  /** Untagged images older than this are deleted. Default 14 days. */
  readonly deleteUntaggedAfterDays?: number;
}

export class ArtifactRegistry extends pulumi.ComponentResource {
  readonly repository: gcp.artifactregistry.Repository;
  /** The path images are named under, as given. */
  readonly registry: string;

  constructor(name: string, args: ArtifactRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:artifactregistry:ArtifactRegistry", name, {}, opts);
    const { path, keep, untaggedDays } = validate(name, args);
    const child = { parent: this };
    this.registry = args.registry;

    this.repository = new gcp.artifactregistry.Repository(name, {
      project: path.project,
      location: path.location,
      repositoryId: path.repositoryId,
      format: "DOCKER",
      description: args.description ?? "Armature platform images",
      // A pushed tag cannot be moved to another image, so a release tag in the config is a fixed image.
      dockerConfig: { immutableTags: true },
      // Scan every pushed image (container scanning, with the project's containerscanning API on).
      vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
      // Policies act (not a dry run): keep the newest versions, delete old untagged ones.
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        { id: "keep-recent-versions", action: "KEEP", mostRecentVersions: { keepCount: keep } },
        { id: "delete-old-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: `${untaggedDays * 86_400}s` } },
      ],
      labels: { ...args.labels },
    }, child);

    args.readers.forEach((reader, index) => {
      new gcp.artifactregistry.RepositoryIamMember(`${name}-reader-${index}`, {
        project: this.repository.project,
        location: this.repository.location,
        repository: this.repository.name,
        role: "roles/artifactregistry.reader",
        member: pulumi.interpolate`serviceAccount:${reader}`,
      }, child);
    });
    this.registerOutputs({ registry: this.registry, repository: this.repository.id });
  }
}

/** The registry path and the cleanup settings (defaults applied), once each is checked. */
function validate(name: string, args: ArtifactRegistryArgs): { path: RegistryPath; keep: number; untaggedDays: number } {
  const check = argChecker("ArtifactRegistry", name);
  const path = parseRegistryPath(args.registry);
  check(path !== undefined, "registry", `${JSON.stringify(args.registry)} is not an Artifact Registry Docker path`, "use <location>-docker.pkg.dev/<project>/<repository>, e.g. europe-west1-docker.pkg.dev/my-project/platform");
  check(args.readers.length > 0, "readers", "is empty: no node could pull the images", "pass the node service accounts of every cluster that runs the images");
  const keep = args.keepRecentVersions ?? 20;
  check(Number.isInteger(keep) && keep >= 1 && keep <= 1000, "keepRecentVersions", `${keep} is outside 1-1000`, "keep at least the versions both colours can run (blue and green)");
  const untaggedDays = args.deleteUntaggedAfterDays ?? 14;
  check(Number.isInteger(untaggedDays) && untaggedDays >= 1 && untaggedDays <= 3650, "deleteUntaggedAfterDays", `${untaggedDays} is outside 1-3650`, "use a number of days");
  return { path: path!, keep, untaggedDays };
}
