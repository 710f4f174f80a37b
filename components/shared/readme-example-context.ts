/**
 * Test support: what the ```ts examples in the components' READMEs take as given (labels, a Google
 * provider, a network, the services cluster, service accounts, names), built from the real components
 * under the mock runtime. components/readme-examples.test.ts runs each example with these in scope.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import { GkeCluster } from "../gke-cluster/gke-cluster";
import { Network } from "../network/network";

export function readmeExampleContext(): Readonly<Record<string, unknown>> {
  const namePrefix = "armature-dev";
  const project = "my-project";
  const region = "europe-west1";
  const labels = { team: "platform", tenant: "platform", environment: "dev" };
  const gcpProvider = new gcp.Provider("example-gcp", { project, region });
  const network = new Network("example", {
    namePrefix,
    region,
    subnets: [
      { name: "services", nodes: "10.10.0.0/20", pods: "10.16.0.0/14", services: "10.20.0.0/20" },
      { name: "workers", nodes: "10.10.16.0/22", pods: "10.24.0.0/16", services: "10.20.16.0/22" },
    ],
    proxyOnlyCidr: "10.10.32.0/23",
    privateServiceAccessCidr: "10.30.0.0/16",
    labels,
  }, { providers: [gcpProvider] });
  const services = new GkeCluster("example-services", {
    namePrefix,
    project,
    region,
    network: network.networkId,
    subnetwork: network.subnets["services"]!.id,
    podsRangeName: network.subnets["services"]!.podsRangeName,
    servicesRangeName: network.subnets["services"]!.servicesRangeName,
    masterCidr: "172.16.0.0/28",
    nodePools: [{ name: "on-demand", machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3 }],
    labels,
  }, { providers: [gcpProvider] });
  const account = (app: string) => new gcp.serviceaccount.Account(`example-${app}`, { accountId: `example-${app}` }, { provider: gcpProvider });
  return {
    k8s,
    namePrefix,
    project,
    region,
    labels,
    gcpProvider,
    network,
    services,
    registry: "europe-west1-docker.pkg.dev/my-project/platform",
    discoveryAccount: account("discovery"),
    flagsAccount: account("flags"),
    acmeAccount: account("acme"),
  };
}
