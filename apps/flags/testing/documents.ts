/** Test helper: flag and segment documents as the service stores them, with only what a test cares about given. */
import type { z } from "zod";
import { type FlagDocument, type SegmentDocument, environmentSchema } from "../model/definition";

const AT = "2030-01-01T00:00:00.000Z";

/** A flag; each environment is filled with the defaults the API applies (no rules, opt-outs or variants). */
export function flagDocument(key: string, fields: Partial<Omit<FlagDocument, "environments">> & { environments?: Record<string, z.input<typeof environmentSchema>> } = {}): FlagDocument {
  const environments = Object.fromEntries(Object.entries(fields.environments ?? {}).map(([name, environment]) => [name, environmentSchema.parse(environment)]));
  return { key, description: "", lifecycle: "off-by-default", dependencies: [], exposures: false, lifecycleChangedAt: AT, revision: 1, createdAt: AT, updatedAt: AT, updatedBy: "test", ...fields, environments };
}

export function segmentDocument(key: string, constraints: SegmentDocument["constraints"]): SegmentDocument {
  return { key, description: "", constraints, revision: 1, updatedAt: AT, updatedBy: "test" };
}
