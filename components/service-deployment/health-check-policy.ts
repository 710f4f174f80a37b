/**
 * A GKE Gateway load balancer health-checks each backend Service's pods at `/` unless a
 * HealthCheckPolicy says otherwise, and the kit serves nothing at `/`, so every backend would be marked
 * unhealthy. This points the load balancer's check at the pods' readiness path on the container port
 * (container-native load balancing checks the pod IPs directly).
 * Schema: https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_health_check
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface HealthCheckPolicyArgs {
  readonly metadata: k8s.types.input.meta.v1.ObjectMeta;
  /** The Service the Gateway routes to; the policy must sit in its namespace. */
  readonly serviceName: pulumi.Input<string>;
  /** The container port serving `requestPath`. */
  readonly port: number;
  readonly requestPath: string;
}

export const HEALTH_CHECK_POLICY_API_VERSION = "networking.gke.io/v1";

export function healthCheckPolicy(name: string, args: HealthCheckPolicyArgs, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(name, {
    apiVersion: HEALTH_CHECK_POLICY_API_VERSION,
    kind: "HealthCheckPolicy",
    metadata: args.metadata,
    spec: {
      default: {
        // Same cadence as the readiness probe (every 5 s, 3 failures), so the load balancer and the
        // endpoints controller agree on when a pod is out.
        checkIntervalSec: 5,
        timeoutSec: 2,
        healthyThreshold: 1,
        unhealthyThreshold: 3,
        config: { type: "HTTP", httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: args.port, requestPath: args.requestPath } },
      },
      targetRef: { group: "", kind: "Service", name: args.serviceName },
    },
  }, opts);
}
