/**
 * What each audited registry change announces on discovery.registration.v1 (apps/kit/events):
 * journalled in the change's own transaction, keyed by service name so one service's events stay
 * in order. Consumers (the health service) learn registrations from them.
 */
import type { EventOf, discoveryRegistrationTopic } from "../kit/index";
import type { Override, ServiceDocument } from "./service-document";

export type RegistryEvent = EventOf<typeof discoveryRegistrationTopic>;
type Change = "create" | "update" | "delete" | "health";

/** The event of one audited change (the same before/after the audit log records), and its key. */
export function registryEvent(entity: "service" | "override", action: Change, before: unknown, after: unknown): { key: string; event: RegistryEvent } {
  if (entity === "override") {
    const override = (after ?? before) as Override & { service: string };
    return action === "create"
      ? {
          key: override.service,
          event: {
            type: "override.created",
            data: {
              service: override.service,
              id: override.id,
              target: override.target,
              ...(override.environment ? { environment: override.environment } : {}),
              ...(override.routingKey ? { routingKey: override.routingKey } : {}),
              expiresAt: override.expiresAt,
            },
          },
        }
      : { key: override.service, event: { type: "override.removed", data: { service: override.service, id: override.id } } };
  }
  if (action === "health") {
    const { name, status } = after as { name: string; status: ServiceDocument["health"]["status"] };
    return { key: name, event: { type: "service.health-changed", data: { name, status } } };
  }
  if (action === "delete") {
    const { name } = before as ServiceDocument;
    return { key: name, event: { type: "service.deregistered", data: { name } } };
  }
  const document = after as ServiceDocument;
  const data = { name: document.name, endpoints: [...document.endpoints], version: document.version, revision: document.revision };
  return { key: document.name, event: { type: action === "create" ? "service.registered" : "service.updated", data } };
}
