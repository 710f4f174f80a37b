/**
 * Names that must be unique in a whole GCP project (service-account ids, key rings, secret ids) start
 * with the component's name prefix, which carries the stack ("armature-dev", "armature-pr-42"), so
 * dev and pr-<n> stacks can share one project. A name over the API's limit is shortened with a stable
 * hash, so it stays unique per stack.
 */
import { createHash } from "node:crypto";

/** `<namePrefix>-<suffix>`, at most `maxLength` characters, lowercase, safe for GCP ids. */
export function projectUniqueName(namePrefix: string, suffix: string, maxLength: number): string {
  const full = `${namePrefix}-${suffix}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  if (full.length <= maxLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** GCP service-account ids: 6-30 characters, starting with a letter. */
export function serviceAccountId(namePrefix: string, suffix: string): string {
  return projectUniqueName(namePrefix, suffix, 30);
}
