/**
 * What each discovery route asks the kit's authorisation step for (apps/kit/README.md,
 * Authorisation): a registration is owned by the tenant its name starts with ("acme-billing"), an
 * override by its service's owner, with its target checked against the addresses the stack allows.
 */
import type { FastifyRequest } from "fastify";
import type { AccessRequest } from "../kit/index";

const nameOf = (request: FastifyRequest) => (request.params as { name: string }).name;

/** Reading one registration (the lookup's fast read asks the same, by name). */
export const registrationRead = (name: string): AccessRequest => ({ action: "read", resource: { kind: "registration", name } });
export const readRegistration = (request: FastifyRequest): AccessRequest => registrationRead(nameOf(request));
export const changeRegistration = (request: FastifyRequest): AccessRequest => ({ action: "registration.change", resource: { kind: "registration", name: nameOf(request) } });
export const reportHealth = (request: FastifyRequest): AccessRequest => ({ action: "registration.report-health", resource: { kind: "registration", name: nameOf(request) } });
export const createOverride = (request: FastifyRequest): AccessRequest => ({
  action: "override.create",
  resource: { kind: "override", service: nameOf(request), target: (request.body as { target: string }).target },
});
export const deleteOverride = (request: FastifyRequest): AccessRequest => ({ action: "override.delete", resource: { kind: "override", service: nameOf(request) } });
