/**
 * What each audited flag or segment change announces on flags.definition.v1 (apps/kit/events):
 * journalled in the change's own transaction, keyed by the flag or segment key, with the flag-set
 * version the change made.
 */
import type { EventOf, flagsDefinitionTopic } from "../kit/index";

type FlagEvent = EventOf<typeof flagsDefinitionTopic>;

export function flagEvent(entity: "flag" | "segment", action: "create" | "update" | "delete" | "transition", key: string, version: number, after: unknown): FlagEvent {
  if (action === "transition") return { type: "flag.transitioned", data: { key, version, lifecycle: (after as { lifecycle: string }).lifecycle } };
  const data = { key, version, ...(after ? { definition: after as Record<string, unknown> } : {}) };
  const verb = ({ create: "created", update: "updated", delete: "deleted" } as const)[action];
  return entity === "flag" ? { type: `flag.${verb}`, data } : { type: `segment.${verb}`, data };
}
