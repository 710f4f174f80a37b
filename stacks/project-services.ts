/** The Google APIs the platform needs, enabled explicitly so a fresh project works on first `pulumi up`. */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";

export const PLATFORM_APIS = [
  "compute.googleapis.com",
  "dns.googleapis.com",
  "container.googleapis.com",
  "servicenetworking.googleapis.com",
  "sqladmin.googleapis.com",
  "redis.googleapis.com",
  "managedkafka.googleapis.com",
  "cloudkms.googleapis.com",
  "secretmanager.googleapis.com",
  "artifactregistry.googleapis.com",
  // Vulnerability scanning of pushed images (the image repository's scanning is INHERITED from it).
  "containerscanning.googleapis.com",
  "binaryauthorization.googleapis.com",
  "iam.googleapis.com",
  "monitoring.googleapis.com",
  "logging.googleapis.com",
] as const;

export function enablePlatformApis(project: string, opts: pulumi.CustomResourceOptions): gcp.projects.Service[] {
  return PLATFORM_APIS.map(
    (api) =>
      new gcp.projects.Service(
        api.split(".")[0]!,
        // Keep APIs on when the stack goes away: other workloads in the project may rely on them.
        { project, service: api, disableOnDestroy: false, disableDependentServices: false },
        opts,
      ),
  );
}
