/**
 * A KEDA ScaledObject for a Deployment (https://keda.sh/docs/latest/reference/scaledobject-spec/):
 * what the platform's scalers share. If the trigger's source cannot be read, KEDA holds the minimum
 * rather than guess (fallback after three failures); growth may double the replicas each period, and
 * shrinking removes one replica a minute after five quiet minutes, because each one removed hands its
 * work back (a worker agent) or rebalances its consumer group (a Kafka consumer).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Labels } from "./types";

export interface KedaScaledObjectArgs {
  readonly namespace: pulumi.Input<string>;
  readonly deploymentName: string;
  readonly labels: Labels;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Seconds between KEDA's reads of the trigger's source. */
  readonly pollingInterval: number;
  /** Seconds over which replicas may double. */
  readonly scaleUpPeriodSeconds: number;
  /** Seconds after the last activity before scaling to zero (only when the minimum is 0). */
  readonly cooldownPeriod?: number;
  readonly trigger: Record<string, unknown>;
}

export function kedaScaledObject(name: string, args: KedaScaledObjectArgs, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(name, {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: args.deploymentName, namespace: args.namespace, labels: args.labels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.deploymentName },
      minReplicaCount: args.minReplicas,
      maxReplicaCount: args.maxReplicas,
      pollingInterval: args.pollingInterval,
      ...(args.cooldownPeriod !== undefined ? { cooldownPeriod: args.cooldownPeriod } : {}),
      fallback: { failureThreshold: 3, replicas: args.minReplicas },
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Percent", value: 100, periodSeconds: args.scaleUpPeriodSeconds }] },
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
          },
        },
      },
      triggers: [args.trigger],
    },
  }, opts);
}
