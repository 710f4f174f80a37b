/**
 * The composition: which components the platform is made of and how they are wired. It reads only
 * the typed StackConfig; components never read config themselves.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config/parse";
import { composeImageRegistry } from "./image-registry";
import { composeInfrastructure } from "./infrastructure";
import { platformLabels } from "./labels";
import { composePlatformApps } from "./platform-apps";
import { enablePlatformApis } from "./project-services";
import { composeTenants } from "./tenants";
import { createVaultAccess } from "./vault-access";

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
      { secretId: `armature-${labels["stack"]}-alert-webhook-url`, labels, replication: { auto: {} } },
      { ...gcpOpts, dependsOn: apis },
    );
    new gcp.secretmanager.SecretVersion(
      "alert-webhook-url",
      { secret: alertWebhook.id, secretData: config.secrets.alertWebhookUrl },
      gcpOpts,
    );
  }

  const infrastructure = composeInfrastructure(config, labels, gcpProvider, apis);
  const { network, services, workers, postgres, redis, kafka, vault } = infrastructure;
  const imageRegistry = composeImageRegistry(config, infrastructure, labels);
  const apps = composePlatformApps(config, infrastructure, labels, infrastructure.componentOptions);
  // Vault's API side waits until Vault is initialised and a token is at hand (components/vault/README.md).
  const vaultAccess = config.vault.configuration === "applied" ? createVaultAccess(vault, config.vault.apiAddress) : undefined;
  const tenants = composeTenants(config, infrastructure, vaultAccess, apps.gatewayAddress, infrastructure.componentOptions);

  return {
    environment: config.environment,
    project: config.gcp.project,
    region: config.gcp.region,
    network: network.networkSelfLink,
    servicesCluster: services.clusterName,
    servicesKubeconfig: services.kubeconfig,
    workersCluster: workers.cluster.clusterName,
    workersPlacement: workers.placement,
    postgresConnectionName: postgres.connectionName,
    postgresPrivateIp: postgres.privateIp,
    postgresAdminPassword: postgres.adminPassword,
    redisHost: redis.host,
    redisPort: redis.port,
    redisAuthString: redis.authString,
    kafkaBootstrapAddress: kafka.bootstrapAddress,
    vaultAddress: vault.address,
    vaultCaCertificate: vault.caCertificate,
    vaultAuditEnableCommand: vault.auditEnableCommand,
    vaultConfiguration: vaultAccess
      ? "applied"
      : "pending: initialise Vault, then set armature:vault.configuration to applied and run pulumi up with VAULT_TOKEN (components/vault/README.md)",
    imageRegistry: imageRegistry ? imageRegistry.repository.id : `not managed here: ${config.apps.registry} is not an Artifact Registry path`,
    activeColour: config.apps.activeColour,
    gateway: apps.gateway.metadata.name,
    gatewayAddress: apps.gatewayAddress,
    gatewayCaCertificate: apps.gatewayCaCertificate,
    tenants: Object.fromEntries(tenants.map((tenant) => [tenant.id, {
      namespace: tenant.namespaceName,
      topicPrefix: tenant.topicPrefix,
      vaultPath: tenant.vaultPath,
      gcpServiceAccount: tenant.gcpServiceAccount.email,
      kmsKey: tenant.cryptoKeyId,
    }])),
    platformServiceAccounts: pulumi.all(
      Object.fromEntries(Object.entries(infrastructure.identities).map(([app, account]) => [app, account.email])),
    ),
  };
}
