/**
 * One GCP service account per platform app (discovery, flags, health, migrator, worker). The data
 * services grant these, not shared credentials: Kafka ACLs and Postgres IAM users name them. The
 * apps' Kubernetes service accounts are bound to them through Workload Identity where the apps are
 * deployed.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { serviceAccountId } from "../components/shared/naming";
import { PLATFORM_APPS, type PlatformApp } from "../components/platform-apps/app-names";

export type PlatformIdentities = Readonly<Record<PlatformApp, gcp.serviceaccount.Account>>;

export function createPlatformIdentities(namePrefix: string, opts: pulumi.CustomResourceOptions): PlatformIdentities {
  return Object.fromEntries(
    PLATFORM_APPS.map((app) => [
      app,
      new gcp.serviceaccount.Account(`app-${app}`, {
        accountId: serviceAccountId(namePrefix, app),
        displayName: `Armature platform app ${app}`,
      }, opts),
    ]),
  ) as Record<PlatformApp, gcp.serviceaccount.Account>;
}
