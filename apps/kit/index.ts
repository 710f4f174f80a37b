/** The Armature app kit: everything an app needs from the platform. See README.md. */
export { type Actor, auditColumns, requireActor } from "./audit-actor";
export { type KitConfig, ConfigError, kitConfigSchema, parseConfig } from "./config";
export { HEALTH_CONTENT_TYPE, type CheckResult, type HealthDocument, type HealthStatus, healthDocumentSchema, httpStatusFor, worstStatus } from "./health/health-document";
export { type HealthCheck, runCheck, runChecks } from "./health/health-check";
export { HEALTH_PATHS } from "./health/health-routes";
export { type HttpClient, type HttpResponse, UpstreamError, propagationHeaders } from "./http-client";
export { HttpProblem, PROBLEM_CONTENT_TYPE, type ProblemIssue, problemSchema, sendProblem } from "./http-errors";
export { CONTEXT_HEADER, type InvocationContext, type WireContext, encodeContextHeader } from "./invocation-context";
export { currentContext } from "./invocation-scope";
export { log } from "./logger";
export { POSTGRES_TLS_SERVER_NAME_VARIABLE, type PostgresConnectionConfig, describePostgresTlsFailure, postgresConnectionConfig } from "./postgres-tls";
export { DependencyUnavailable, type Fallback, type Guard, rethrow } from "./resilience";
export { runService } from "./run-service";
export { type App, INVOCATION_ID_HEADER, type InvokeOptions, METRICS_PATH, OPENAPI_PATH, type Service, type ServiceKit, type ServiceOptions, createService } from "./service";
export { span } from "./tracing";
