/**
 * What each audited registry change announces on discovery.registration.v1 (apps/kit/events):
 * journalled in the change's own transaction, keyed by service name so one service's events stay
 * in order. Consumers (the health service) learn registrations from them.
 */
import type { EventOf, discoveryRegistrationTopic } from "../kit/index";
import type { Override, ServiceDocument } from "./service-document";

export type RegistryEvent = EventOf<typeof discoveryRegistrationTopic>;
type Change = "create" | "update" | "delete" | "health";

/**
 * The event of one audited change (the same entity key, before and after the audit log records), and
 * its Kafka key: a service's name (its entity key), or for an override the service it routes.
 */
export function registryEvent(entity: "service" | "override", action: Change, entityKey: string, before: unknown, after: unknown): { key: string; event: RegistryEvent } {
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
    const { status } = after as ServiceDocument["health"];
    return { key: entityKey, event: { type: "service.health-changed", data: { name: entityKey, status } } };
  }
  if (action === "delete") return { key: entityKey, event: { type: "service.deregistered", data: { name: entityKey } } };
  const document = after as ServiceDocument;
  const data = { name: document.name, endpoints: [...document.endpoints], version: document.version, revision: document.revision };
  return { key: document.name, event: { type: action === "create" ? "service.registered" : "service.updated", data } };
}
