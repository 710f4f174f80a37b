/**
 * The platform's own topics and their event schemas: what discovery and flags journal with every
 * change (in the transaction of the change, see journal.ts), and what their consumers read. Each
 * schema's JSON Schema is kept in schemas/<topic>.json; platform-topics.test.ts refuses a change
 * that breaks readers of the snapshot or of new events (compatibility.ts).
 */
import { z } from "zod";
import { defineTopic } from "./topic";

const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/);
const registration = z.object({ name: serviceName, endpoints: z.array(z.string()), version: z.string(), revision: z.number().int().min(1) });
const override = z.object({ service: serviceName, id: z.uuid(), target: z.string(), environment: z.string().optional(), routingKey: z.string().optional(), expiresAt: z.string() });

/** Discovery's registry changes, keyed by service name (one service's events stay in order). */
export const discoveryRegistrationTopic = defineTopic(
  "discovery.registration.v1",
  "Every change to discovery's registry: registrations, health status, developer overrides.",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("service.registered"), data: registration }),
    z.object({ type: z.literal("service.updated"), data: registration }),
    z.object({ type: z.literal("service.deregistered"), data: z.object({ name: serviceName }) }),
    z.object({ type: z.literal("service.health-changed"), data: z.object({ name: serviceName, status: z.enum(["unknown", "pass", "warn", "fail"]) }) }),
    z.object({ type: z.literal("override.created"), data: override }),
    z.object({ type: z.literal("override.removed"), data: z.object({ service: serviceName, id: z.uuid() }) }),
  ]),
);

const flagChange = z.object({ key: z.string(), version: z.number().int().min(1), definition: z.record(z.string(), z.unknown()).optional() });

/** Changes to flags and segments, keyed by flag or segment key, with the flag-set version they made. */
export const flagsDefinitionTopic = defineTopic(
  "flags.definition.v1",
  "Every change to a feature flag or segment, with the flag-set version it made.",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("flag.created"), data: flagChange }),
    z.object({ type: z.literal("flag.updated"), data: flagChange }),
    z.object({ type: z.literal("flag.deleted"), data: flagChange }),
    z.object({ type: z.literal("flag.transitioned"), data: flagChange.extend({ lifecycle: z.string() }) }),
    z.object({ type: z.literal("segment.created"), data: flagChange }),
    z.object({ type: z.literal("segment.updated"), data: flagChange }),
    z.object({ type: z.literal("segment.deleted"), data: flagChange }),
  ]),
);

export const PLATFORM_TOPICS = [discoveryRegistrationTopic, flagsDefinitionTopic] as const;
