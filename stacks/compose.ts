/**
 * The composition: which components the platform is made of and how they are wired. It reads only
 * the typed StackConfig; components never read config themselves.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config/parse";
import { platformLabels } from "./labels";
import { enablePlatformApis } from "./project-services";

export function composePlatform(config: StackConfig): Record<string, pulumi.Input<unknown>> {
  const labels = platformLabels(config);
  const gcpProvider = new gcp.Provider("gcp", {
    project: config.gcp.project,
    region: config.gcp.region,
    defaultLabels: labels,
  });
  const gcpOpts = { provider: gcpProvider };
  const apis = enablePlatformApis(config.gcp.project, gcpOpts);

  if (config.secrets.alertWebhookUrl) {
    const alertWebhook = new gcp.secretmanager.Secret(
      "alert-webhook-url",
      { secretId: "armature-alert-webhook-url", labels, replication: { auto: {} } },
      { ...gcpOpts, dependsOn: apis },
    );
    new gcp.secretmanager.SecretVersion(
      "alert-webhook-url",
      { secret: alertWebhook.id, secretData: config.secrets.alertWebhookUrl },
      gcpOpts,
    );
  }

  return {
    environment: config.environment,
    project: config.gcp.project,
    region: config.gcp.region,
  };
}
