/** The Armature app kit: everything an app needs from the platform. See README.md. */
export { type Actor, auditColumns, requireActor } from "./audit-actor";
export { actorRoutes } from "./actor-routes";
export { type AuditEntry, type AuditRow, auditEntrySchemaFor, toAuditEntry, upsertRevisioned } from "./audit/index";
export { type AccessRequest, type Action, ALL_ENVIRONMENTS, type Resource } from "./authorisation/access-request";
export type { AccessCheck, AuthorisationDecision } from "./authorisation/authoriser";
export { type RouteAuthorisation, currentAuthorisation } from "./authorisation/authorisation-step";
export { readEndpoint } from "./authorisation/read-endpoint";
export { type KitConfig, ConfigError, kafkaBrokerList, kitConfigSchema, parseConfig } from "./config";
export { type KafkaAuth, createKafka, createRedis } from "./dependencies";
export { Conflict, DomainError, InvalidInput, NotFound, answerDomainErrors, sendDomainProblem } from "./domain-errors";
export {
  type Consumer,
  type DecodedEvent,
  type EventOf,
  type EventStream,
  type Relay,
  type TopicDefinition,
  createConsumer,
  createRelay,
  defineTopic,
  discoveryRegistrationTopic,
  flagsDefinitionTopic,
  idempotencyKey,
  journalEvent,
  kafkaStream,
  memoryStream,
  runConsumer,
  runIdempotent,
  runRelay,
} from "./events/index";
export { kafkaCheck, postgresCheck, redisCheck } from "./health/dependency-checks";
export { HEALTH_CONTENT_TYPE, type CheckResult, type HealthDocument, type HealthStatus, healthDocumentSchema, httpStatusFor, worstStatus } from "./health/health-document";
export { type HealthCheck, runCheck, runChecks } from "./health/health-check";
export { HEALTH_PATHS } from "./health/health-routes";
export { createHttpClient, type HttpClient, type HttpResponse, UpstreamError, propagationHeaders } from "./http-client";
export { HttpProblem, PROBLEM_CONTENT_TYPE, type ProblemIssue, problemSchema, sendProblem } from "./http-errors";
export { CONTEXT_HEADER, type InvocationContext, type WireContext, encodeContextHeader } from "./invocation-context";
export { currentContext } from "./invocation-scope";
export { ACTOR_REQUIRED } from "./openapi-document";
export { createLogger, log } from "./logger";
export { POSTGRES_TLS_SERVER_NAME_VARIABLE, type PostgresConnectionConfig, describePostgresTlsFailure, postgresConnectionConfig } from "./postgres-tls";
export { DependencyUnavailable, type Fallback, type Guard, rethrow } from "./resilience";
export { runService } from "./run-service";
export { type App, INVOCATION_ID_HEADER, type InvokeOptions, METRICS_PATH, OPENAPI_PATH, type Service, type ServiceKit, type ServiceOptions, createService } from "./service";
export { span } from "./tracing";
