/** The kit's platform contract (apps/kit README): one HTTP port, three health paths, metrics on the same port. */
export const KIT_PORT = 8080;
export const KIT_HEALTH_PATHS = { startup: "/startupz", liveness: "/livez", readiness: "/readyz" } as const;
export const KIT_METRICS_PATH = "/metrics";
