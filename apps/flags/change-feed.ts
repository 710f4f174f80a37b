/**
 * Flag changes travel on one Redis pub/sub channel, to every flags replica and SDK. Each message
 * carries the changed document itself and the flag-set version it produced, so an SDK applies it
 * without a round trip; a version that does not follow the one it holds means it missed one, and
 * it fetches the whole set instead (GET /v1/flag-set). This module owns the message: its shape,
 * how the store builds it, how the service sends it and how SDKs (sdk/flag-set-sync.ts) read it.
 */
import { z } from "zod";
import type { FlagDocument, SegmentDocument } from "./model/definition";

export const FLAG_CHANGES_CHANNEL = "armature:flags:changes";

const envelopeSchema = z.object({
  version: z.number().int().min(1),
  /** When the change was committed (ISO 8601): lets subscribers measure propagation. */
  at: z.string(),
  kind: z.enum(["flag", "segment"]),
  key: z.string().min(1),
  /** The document after the change; null when it was deleted. */
  document: z.record(z.string(), z.unknown()).nullable(),
});

export type FlagChange =
  | { readonly version: number; readonly at: string; readonly kind: "flag"; readonly key: string; readonly document: FlagDocument | null }
  | { readonly version: number; readonly at: string; readonly kind: "segment"; readonly key: string; readonly document: SegmentDocument | null };

/** The change a committed write made, stamped now (the commit is moments away: subscribers measure propagation from it). */
export function flagChange(version: number, kind: "flag", key: string, document: FlagDocument | null): FlagChange;
export function flagChange(version: number, kind: "segment", key: string, document: SegmentDocument | null): FlagChange;
export function flagChange(version: number, kind: "flag" | "segment", key: string, document: FlagDocument | SegmentDocument | null): FlagChange {
  return { version, at: new Date().toISOString(), kind, key, document } as FlagChange;
}

/** The message published on FLAG_CHANGES_CHANNEL. */
export function changeMessage(change: FlagChange): string {
  return JSON.stringify(change);
}

/** The message, or undefined when it is not one (documents are checked when compiled). */
export function parseChange(raw: string): FlagChange | undefined {
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as FlagChange) : undefined;
  } catch {
    return undefined;
  }
}
