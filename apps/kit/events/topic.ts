/**
 * A topic and the schema of its events: a zod discriminated union on `type`, one member per kind of
 * event, each with its `data`. What travels is the envelope below: the event plus who, when and
 * which journal row, so a consumer can deduplicate (`id`) and order (`sequence`) without the producer.
 */
import { z } from "zod";
import { parseTopicName } from "./topic-name";

/** One member of a topic's union: `{ type: "<literal>", data: {...} }`. */
export type EventMember = z.ZodObject<{ type: z.ZodLiteral<string>; data: z.ZodType }>;

export interface TopicDefinition<S extends z.ZodDiscriminatedUnion<EventMember[], "type"> = z.ZodDiscriminatedUnion<EventMember[], "type">> {
  readonly name: string;
  readonly schema: S;
  /** One-line description, kept in the schema snapshot. */
  readonly description: string;
}

export type EventOf<T extends TopicDefinition> = z.infer<T["schema"]>;

export function defineTopic<S extends z.ZodDiscriminatedUnion<EventMember[], "type">>(name: string, description: string, schema: S): TopicDefinition<S> {
  parseTopicName(name);
  return { name, schema, description };
}

/** The envelope every event travels in: the Kafka value, as JSON. */
export const envelopeSchema = z.object({
  /** The journal row's event id: consumers apply each id once. */
  id: z.uuid(),
  /** The journal row's sequence (a decimal string: a Postgres bigint), increasing per producer database. */
  sequence: z.string().regex(/^\d+$/),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: z.string(),
  invocationId: z.string().optional(),
  traceId: z.string().optional(),
  type: z.string(),
  data: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export type DecodedEvent<T extends TopicDefinition> = Omit<Envelope, "type" | "data"> & EventOf<T>;

export type Decoded<T extends TopicDefinition> =
  | { readonly kind: "event"; readonly event: DecodedEvent<T> }
  /** A type this reader does not know (a newer producer added it): skipped, see compatibility.ts. */
  | { readonly kind: "unknown-type"; readonly id: string; readonly type: string }
  | { readonly kind: "invalid"; readonly id?: string; readonly problem: string };

/** Reads a Kafka value of `topic`: an event, a type this reader does not know, or why it is invalid. */
export function decodeEvent<T extends TopicDefinition>(topic: T, value: string): Decoded<T> {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { kind: "invalid", problem: "the value is not JSON" };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: "invalid", problem: `not an event envelope: ${z.prettifyError(envelope.error)}` };
  const { type, data, ...meta } = envelope.data;
  const known = topic.schema.options.some((member) => member.shape.type.value === type);
  if (!known) return { kind: "unknown-type", id: meta.id, type };
  const event = topic.schema.safeParse({ type, data });
  if (!event.success) return { kind: "invalid", id: meta.id, problem: `${type} does not match ${topic.name}: ${z.prettifyError(event.error)}` };
  return { kind: "event", event: { ...meta, ...event.data } as DecodedEvent<T> };
}
