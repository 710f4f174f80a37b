/**
 * What each flags route asks the kit's authorisation step for (apps/kit/README.md, Authorisation):
 * flags and segments are owned by the tenant their key starts with ("acme.checkout"); a flag change
 * names the environments it touches, every environment ("*") for a delete or a lifecycle move.
 */
import type { FastifyRequest } from "fastify";
import { type AccessRequest, ALL_ENVIRONMENTS, readEndpoint } from "../../kit/index";

const keyOf = (request: FastifyRequest) => (request.params as { key: string }).key;

export const putFlag = (request: FastifyRequest): AccessRequest => ({
  action: "flag.change",
  resource: { kind: "flag", key: keyOf(request), environments: Object.keys((request.body as { environments?: Record<string, unknown> }).environments ?? {}) },
});
/** Deleting a flag or moving its lifecycle (always-on is on everywhere) changes every environment. */
export const changeWholeFlag = (request: FastifyRequest): AccessRequest => ({ action: "flag.change", resource: { kind: "flag", key: keyOf(request), environments: [ALL_ENVIRONMENTS] } });
export const changeSegment = (request: FastifyRequest): AccessRequest => ({ action: "segment.change", resource: { kind: "segment", key: keyOf(request) } });
/** SDK traffic (evaluations, exposure events) from any workload: reads of the flag set. */
export const sdkEndpoint = readEndpoint;
