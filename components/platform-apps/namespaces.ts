/** The Kubernetes namespaces the platform's own apps run in. */
export const PLATFORM_NAMESPACE = "platform";
export const GATEWAY_NAMESPACE = "gateway";
export const WORKERS_NAMESPACE = "workers";
