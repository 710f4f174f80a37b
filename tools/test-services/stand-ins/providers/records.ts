/**
 * What the stand-ins did, for tests to assert on: one JSON line per Create, Update, Delete and Invoke
 * appended to `$ARMATURE_STANDIN_RECORD_DIR/<provider>.jsonl` when that variable is set. Secrets are
 * written as "[secret]" and unknowns as "[unknown]": a record never holds a secret value.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Properties, masked } from "./wire";

export const RECORD_DIR_VARIABLE = "ARMATURE_STANDIN_RECORD_DIR";

export interface OperationRecord {
  operation: "create" | "update" | "delete" | "invoke";
  /** A resource type, or the function token of an invoke. */
  type: string;
  urn?: string;
  id?: string;
  preview: boolean;
  inputs: Properties;
}

export type Recorder = (record: OperationRecord) => void;

export function recorderFor(provider: string, recordDir: string | undefined = process.env[RECORD_DIR_VARIABLE]): Recorder {
  if (!recordDir) return () => {};
  return (record) => {
    mkdirSync(recordDir, { recursive: true });
    const line = JSON.stringify({ ...record, inputs: masked(record.inputs), time: new Date().toISOString() });
    // One write per line, opened for appending: lines from concurrent provider processes do not interleave.
    appendFileSync(path.join(recordDir, `${provider}.jsonl`), `${line}\n`);
  };
}
