/**
 * Registry changes travel on one Redis pub/sub channel: every discovery replica and SDK listens.
 * A message names the service and its new revision and, when small enough, carries the service
 * document itself, so listeners update their caches without a round trip to discovery. A listener
 * that cannot use a message (no document, a revision gap, anything malformed or oversize) refetches.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import { type ServiceDocument, serviceDocumentSchema } from "./service-document";

export const CHANGES_CHANNEL = "armature:discovery:changes";

/** Documents larger than this are not pushed: listeners refetch them instead. */
export const MAX_PUSHED_DOCUMENT_BYTES = 32 * 1024;
/** Listeners ignore the content of larger messages (never sent by discovery) and refetch. */
export const MAX_CHANGE_MESSAGE_BYTES = 2 * MAX_PUSHED_DOCUMENT_BYTES;

const changeHeaderSchema = z.object({ service: z.string().min(1), revision: z.number().int(), deleted: z.boolean().optional() });

export interface ChangeMessage {
  readonly service: string;
  readonly revision: number;
  readonly deleted?: boolean;
  /** The service as of `revision`; absent when deleted, too large to push, or malformed. */
  readonly document?: ServiceDocument;
}

export type ParsedChange = { readonly change: ChangeMessage } | { readonly unreadable: string };

/** The message for a new revision of a service (`document` undefined: it was deleted). */
export function changeMessage(service: string, revision: number, document: ServiceDocument | undefined): string {
  if (!document) return JSON.stringify({ service, revision, deleted: true });
  const withDocument = JSON.stringify({ service, revision, document });
  return withDocument.length <= MAX_PUSHED_DOCUMENT_BYTES ? withDocument : JSON.stringify({ service, revision });
}

export function parseChange(raw: string): ParsedChange {
  if (raw.length > MAX_CHANGE_MESSAGE_BYTES) return { unreadable: `oversize (${raw.length} characters)` };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { unreadable: "not JSON" };
  }
  const header = changeHeaderSchema.safeParse(json);
  if (!header.success) return { unreadable: "no service and revision" };
  const { service, revision, deleted } = header.data;
  const carried = (json as { document?: unknown }).document;
  if (deleted || carried === undefined) return { change: header.data };
  const document = serviceDocumentSchema.safeParse(carried);
  // A document that does not match its header is treated as absent: the listener refetches.
  const usable = document.success && document.data.name === service && document.data.revision === revision;
  return { change: usable ? { service, revision, document: document.data } : { service, revision } };
}

/** What a listener does with the channel: apply a change, or start over when changes may have been missed. */
export interface ChangeListener {
  onChange(change: ChangeMessage): void;
  /** After a reconnect (pushes sent while disconnected are lost), or for a message that cannot be read. */
  onMissed(): void;
  readonly logger: Logger;
}

/** Subscribes `subscriber` to the channel on every (re)connect and hands each message to `listener`. */
export function followChanges(subscriber: Redis, listener: ChangeListener): void {
  let connectedBefore = false;
  subscriber.on("ready", () => {
    if (connectedBefore) listener.onMissed();
    connectedBefore = true;
    subscriber.subscribe(CHANGES_CHANNEL).catch((error: unknown) => listener.logger.warn({ err: error }, "subscribing to registry changes failed; retrying on reconnect"));
  });
  subscriber.on("message", (_channel: string, raw: string) => {
    const parsed = parseChange(raw);
    if ("change" in parsed) return listener.onChange(parsed.change);
    // Some service changed, but which one is unknown.
    listener.logger.warn({ reason: parsed.unreadable }, "unreadable registry change message; refreshing every cached service");
    listener.onMissed();
  });
}
