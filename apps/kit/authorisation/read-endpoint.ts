/**
 * A route that asks only to read its endpoint: what a route declares when the caller reads (SDK
 * traffic), or when what it would change does not exist (the handler then answers 404, not 403).
 */
import type { FastifyRequest } from "fastify";
import type { AccessRequest } from "./access-request";

export function readEndpoint(request: FastifyRequest): AccessRequest {
  return { action: "read", resource: { kind: "endpoint", route: `${request.method} ${request.routeOptions.url}` } };
}
