/**
 * KEDA's operator reads Cloud Monitoring as a Google service account of its own: roles/monitoring.viewer
 * on the project, bound through Workload Identity to the chart's operator service account
 * (keda/keda-operator), which the chart annotates with `iam.gke.io/gcp-service-account` when
 * `podIdentity.gcp` is on (https://keda.sh/docs/2.21/authentication-providers/gcp-workload-identity/;
 * kedacore/charts keda/values.yaml and keda/templates/manager/serviceaccount.yaml). Exported apart
 * so a KEDA installed elsewhere (e.g. the worker agents' own) can be given the same identity.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { KEDA_NAMESPACE } from "../platform-apps/worker-queue-scaling";
import { serviceAccountId } from "../shared/naming";
import { workloadIdentityMember } from "../shared/workload-identity";

/** The chart's operator service account (values `serviceAccount.operator.name`): the one the scalers run as. */
export const KEDA_OPERATOR_SERVICE_ACCOUNT = "keda-operator";
/** Read-only access to Cloud Monitoring: all the gcp-stackdriver scaler needs. */
export const KEDA_MONITORING_ROLE = "roles/monitoring.viewer";

export interface KedaOperatorIdentityArgs {
  readonly project: string;
  /** Prefix of project-unique names, e.g. "armature-dev". */
  readonly namePrefix: string;
  /** The cluster's Workload Identity pool, `<project>.svc.id.goog`. */
  readonly workloadPool: string;
}

export interface KedaOperatorIdentity {
  readonly account: gcp.serviceaccount.Account;
  /** The role and the binding: KEDA's operator should start after them. */
  readonly grants: readonly pulumi.Resource[];
}

export function createKedaOperatorIdentity(name: string, args: KedaOperatorIdentityArgs, opts: pulumi.CustomResourceOptions): KedaOperatorIdentity {
  const account = new gcp.serviceaccount.Account(`${name}-keda-operator`, {
    accountId: serviceAccountId(args.namePrefix, `${name}-keda`),
    displayName: "KEDA operator: reads Cloud Monitoring for consumer-lag scaling, via Workload Identity",
    project: args.project,
  }, opts);
  const monitoringViewer = new gcp.projects.IAMMember(`${name}-keda-monitoring-viewer`, {
    project: args.project,
    role: KEDA_MONITORING_ROLE,
    member: pulumi.interpolate`serviceAccount:${account.email}`,
  }, opts);
  const workloadIdentity = new gcp.serviceaccount.IAMMember(`${name}-keda-workload-identity`, {
    serviceAccountId: account.name,
    role: "roles/iam.workloadIdentityUser",
    member: workloadIdentityMember(args.workloadPool, KEDA_NAMESPACE, KEDA_OPERATOR_SERVICE_ACCOUNT),
  }, opts);
  return { account, grants: [monitoringViewer, workloadIdentity] };
}

/** KEDA chart values that turn Workload Identity on for the operator, as `email`. */
export function kedaWorkloadIdentityValues(email: pulumi.Input<string>): Record<string, unknown> {
  return {
    serviceAccount: { operator: { name: KEDA_OPERATOR_SERVICE_ACCOUNT } },
    podIdentity: { gcp: { enabled: true, gcpIAMServiceAccount: email } },
  };
}
