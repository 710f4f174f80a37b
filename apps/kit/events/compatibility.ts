/**
 * Schema evolution of a topic, checked both ways (as Confluent Schema Registry's FULL mode does):
 * backward — the new schema reads every event the old one allowed (the journal and the topic keep
 * old events, and replays resend them); forward — the old schema reads every event the new one
 * allows (consumers deploy after producers). Both are checked on the JSON Schema each zod schema
 * produces (`z.toJSONSchema`), comparing what a reader accepts with what a writer may send.
 *
 * One deliberate relaxation: a union member (an event `type`) that the reader does not know is
 * skipped by consumers (decodeEvent's "unknown-type"), so adding a type is forward compatible;
 * removing one is not backward compatible (old events of that type would be silently dropped).
 */
import { z } from "zod";

type Schema = Record<string, unknown>;

export interface CompatibilityProblem {
  readonly direction: "backward" | "forward";
  readonly path: string;
  readonly problem: string;
}

/** The JSON Schema of a topic's union, as kept in its snapshot file. */
export function jsonSchemaOf(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "throw" });
}

/** Every way `next` breaks readers or writers of `previous`; empty when the change is compatible both ways. */
export function compatibilityProblems(previous: Schema, next: Schema): CompatibilityProblem[] {
  return [
    ...readProblems(next, previous, "$", true).map((problem) => ({ direction: "backward" as const, ...problem })),
    ...readProblems(previous, next, "$", false).map((problem) => ({ direction: "forward" as const, ...problem })),
  ];
}

/** What `writer` may produce that `reader` would refuse. `strictMembers`: every writer union member must be known to the reader. */
function readProblems(reader: Schema, writer: Schema, path: string, strictMembers: boolean): Array<{ path: string; problem: string }> {
  const problems: Array<{ path: string; problem: string }> = [];
  const add = (at: string, problem: string) => problems.push({ path: at, problem });
  if (Object.keys(reader).filter((key) => key !== "$schema" && key !== "description").length === 0) return problems; // reads anything

  const readerMembers = members(reader);
  const writerMembers = members(writer);
  if (readerMembers || writerMembers) {
    for (const [index, member] of (writerMembers ?? [writer]).entries()) {
      const tag = discriminator(member);
      const candidates = (readerMembers ?? [reader]).filter((candidate) => tag === undefined || discriminator(candidate) === tag);
      if (candidates.length === 0) {
        if (strictMembers || tag === undefined) add(`${path}|${tag ?? index}`, `the reader has no member for ${tag ?? `alternative ${index}`}`);
        continue;
      }
      const best = candidates.map((candidate) => readProblems(candidate, member, `${path}|${tag ?? index}`, strictMembers)).sort((a, b) => a.length - b.length)[0]!;
      problems.push(...best);
    }
    return problems;
  }

  const readerTypes = typesOf(reader);
  const writerTypes = typesOf(writer);
  if (readerTypes && writerTypes) {
    const unread = writerTypes.filter((type) => !readerTypes.includes(type) && !(type === "integer" && readerTypes.includes("number")));
    if (unread.length > 0) {
      add(path, `the writer may send ${unread.join("/")}, the reader takes ${readerTypes.join("/")}`);
      return problems; // the shapes differ: what is inside them says nothing more
    }
  } else if (readerTypes && !writerTypes && writer["const"] === undefined && writer["enum"] === undefined) {
    add(path, `the writer may send anything, the reader takes ${readerTypes.join("/")}`);
  }

  const readerValues = valuesOf(reader);
  if (readerValues) {
    const writerValues = valuesOf(writer);
    if (!writerValues) add(path, `the reader takes only ${JSON.stringify(readerValues)}, the writer is not limited to them`);
    else {
      const extra = writerValues.filter((value) => !readerValues.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value)));
      if (extra.length > 0) add(path, `the reader does not take ${JSON.stringify(extra)}`);
    }
  }

  for (const keyword of ["pattern", "format", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"]) {
    if (reader[keyword] === undefined) continue;
    if (!constraintCovered(keyword, reader[keyword], writer[keyword])) add(path, `the reader requires ${keyword} ${JSON.stringify(reader[keyword])}, the writer ${writer[keyword] === undefined ? "does not" : `has ${JSON.stringify(writer[keyword])}`}`);
  }

  if (isObject(reader) || isObject(writer)) {
    const readerProperties = (reader["properties"] ?? {}) as Record<string, Schema>;
    const writerProperties = (writer["properties"] ?? {}) as Record<string, Schema>;
    const writerRequired = new Set((writer["required"] ?? []) as string[]);
    for (const name of (reader["required"] ?? []) as string[]) {
      if (!writerRequired.has(name)) add(`${path}.${name}`, writerProperties[name] ? "required by the reader, optional for the writer" : "required by the reader, not sent by the writer");
    }
    for (const [name, writerProperty] of Object.entries(writerProperties)) {
      const readerProperty = readerProperties[name];
      if (readerProperty) problems.push(...readProblems(readerProperty, writerProperty, `${path}.${name}`, strictMembers));
      else if (reader["additionalProperties"] === false) add(`${path}.${name}`, "sent by the writer, refused by the reader (no unknown properties)");
      else if (typeof reader["additionalProperties"] === "object") problems.push(...readProblems(reader["additionalProperties"] as Schema, writerProperty, `${path}.${name}`, strictMembers));
    }
    if (typeof reader["additionalProperties"] === "object" && typeof writer["additionalProperties"] === "object") {
      problems.push(...readProblems(reader["additionalProperties"] as Schema, writer["additionalProperties"] as Schema, `${path}.*`, strictMembers));
    }
  }

  if (reader["items"] && typeof reader["items"] === "object") {
    problems.push(...readProblems(reader["items"] as Schema, (writer["items"] ?? {}) as Schema, `${path}[]`, strictMembers));
  }
  return problems;
}

function members(schema: Schema): Schema[] | undefined {
  return (schema["oneOf"] ?? schema["anyOf"]) as Schema[] | undefined;
}

/** The `type` literal of an event member, if it has one. */
function discriminator(schema: Schema): string | undefined {
  const type = (schema["properties"] as Record<string, Schema> | undefined)?.["type"];
  const values = type?.["enum"];
  const value: unknown = type?.["const"] ?? (Array.isArray(values) && values.length === 1 ? (values as unknown[])[0] : undefined);
  return typeof value === "string" ? value : undefined;
}

function typesOf(schema: Schema): string[] | undefined {
  const type = schema["type"];
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? (type as string[]) : undefined;
}

function valuesOf(schema: Schema): unknown[] | undefined {
  if (schema["const"] !== undefined) return [schema["const"]];
  return Array.isArray(schema["enum"]) ? (schema["enum"] as unknown[]) : undefined;
}

function isObject(schema: Schema): boolean {
  return schema["type"] === "object" || schema["properties"] !== undefined;
}

/** Whether the writer's constraint is at least as tight as the reader's. */
function constraintCovered(keyword: string, readerValue: unknown, writerValue: unknown): boolean {
  if (writerValue === undefined) return false;
  if (typeof readerValue === "number" && typeof writerValue === "number") {
    return keyword.startsWith("min") || keyword === "exclusiveMinimum" ? writerValue >= readerValue : writerValue <= readerValue;
  }
  return JSON.stringify(readerValue) === JSON.stringify(writerValue);
}
