/**
 * Out-of-band changes for `pulumi refresh` to find: `ARMATURE_STANDIN_DRIFT_FILE` names a JSON file
 * `{ "<urn>": { "<property>": <value>, ... } | null }`. On Read, a resource's listed properties take
 * those values (in its outputs, and in its inputs where it has them), so the next preview shows an
 * update back to the program's values; `null` means the resource is gone (Read returns no id). The
 * file is read on every Read, so a test can write it between commands.
 */
import { readFileSync } from "node:fs";
import { type Properties, isObject } from "./wire";

export const DRIFT_FILE_VARIABLE = "ARMATURE_STANDIN_DRIFT_FILE";

export type Drift = { kind: "none" } | { kind: "deleted" } | { kind: "changed"; properties: Properties };

export function driftOf(urn: string, driftFile: string | undefined = process.env[DRIFT_FILE_VARIABLE]): Drift {
  if (!driftFile) return { kind: "none" };
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(driftFile, "utf8"));
  } catch (error) {
    throw new Error(`${DRIFT_FILE_VARIABLE}=${driftFile} cannot be read as JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(document)) throw new Error(`${DRIFT_FILE_VARIABLE}=${driftFile} must hold a JSON object keyed by URN`);
  if (!(urn in document)) return { kind: "none" };
  const entry = document[urn];
  if (entry === null) return { kind: "deleted" };
  if (!isObject(entry)) throw new Error(`${DRIFT_FILE_VARIABLE}: the entry for ${urn} must be an object of properties or null`);
  return { kind: "changed", properties: entry };
}
