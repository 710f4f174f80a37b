/**
 * The version each stand-in reports (GetPluginInfo) and is installed as: the version of the SDK
 * package in node_modules, which is the plugin version that package asks the engine for.
 */
import gcp from "@pulumi/gcp/package.json";
import kafka from "@pulumi/kafka/package.json";
import random from "@pulumi/random/package.json";
import tls from "@pulumi/tls/package.json";
import vault from "@pulumi/vault/package.json";

export const PACKAGE_VERSIONS: Readonly<Record<string, string>> = {
  gcp: gcp.version,
  kafka: kafka.version,
  random: random.version,
  tls: tls.version,
  vault: vault.version,
};
