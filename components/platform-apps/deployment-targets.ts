/** Where the platform's apps run (which cluster, which taints) and as whom (their GCP service accounts). */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Taint } from "../gke-cluster/node-pool";

export interface AppIdentity {
  readonly email: pulumi.Input<string>;
  /** `projects/<p>/serviceAccounts/<email>`, for the Workload Identity binding. */
  readonly name: pulumi.Input<string>;
}

export interface ClusterTarget {
  readonly provider: k8s.Provider;
  /** `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** The issuer of the cluster's service-account tokens (GkeCluster.serviceAccountIssuer): apps verify callers from it. */
  readonly serviceAccountIssuer: pulumi.Input<string>;
}

/** The worker capacity: a separate cluster, or tainted pools in the services cluster. */
export interface WorkerClusterTarget extends ClusterTarget {
  /** The worker cluster's control-plane range (its private endpoint's /28), for KEDA's fence. */
  readonly controlPlaneCidr: string;
  /** Taints of the worker pools; worker agents tolerate each. */
  readonly taints: readonly Taint[];
}
