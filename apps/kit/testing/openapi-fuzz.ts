/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- walks free-form OpenAPI/JSON Schema documents */
/**
 * Test helper: drives a service from its own OpenAPI document. `badInputCases` lists, for every
 * operation, a malformed body, an unknown field, an oversize payload and a bad path parameter;
 * `fuzzOperation` sends fast-check-generated requests (valid-shaped, mutated, or arbitrary JSON).
 */
import fc from "fast-check";

type Schema = Record<string, any>;

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pathParams: Array<{ name: string; schema: Schema }>;
  readonly query: Array<{ name: string; schema: Schema }>;
  readonly body?: Schema;
}

export interface RequestSpec {
  readonly method: string;
  readonly url: string;
  readonly payload?: string;
  readonly headers?: Record<string, string>;
}

export function operationsOf(document: Schema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document["paths"] as Record<string, Schema>)) {
    for (const [method, operation] of Object.entries(item)) {
      const parameters = (operation["parameters"] ?? []) as Array<{ in: string; name: string; schema: Schema }>;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === "path").map(({ name, schema }) => ({ name, schema })),
        query: parameters.filter((p) => p.in === "query").map(({ name, schema }) => ({ name, schema })),
        body: operation["requestBody"]?.content?.["application/json"]?.schema as Schema | undefined,
      });
    }
  }
  return operations;
}

/** Values that satisfy a JSON Schema, as far as this small generator understands it. */
export function valueFor(schema: Schema | undefined): fc.Arbitrary<unknown> {
  if (!schema || Object.keys(schema).length === 0) return fc.jsonValue({ maxDepth: 2 });
  if (schema["enum"]) return fc.constantFrom(...(schema["enum"] as unknown[]));
  if (schema["anyOf"] || schema["oneOf"]) return fc.oneof(...((schema["anyOf"] ?? schema["oneOf"]) as Schema[]).map(valueFor));
  switch (schema["type"]) {
    case "object": {
      const properties = (schema["properties"] ?? {}) as Record<string, Schema>;
      const required = new Set((schema["required"] ?? []) as string[]);
      if (Object.keys(properties).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return fc.record(Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, valueFor(value)])), {
        requiredKeys: Object.keys(properties).filter((key) => required.has(key)),
      });
    }
    case "array":
      return fc.array(valueFor(schema["items"] as Schema), { minLength: schema["minItems"] ?? 0, maxLength: Math.min(schema["maxItems"] ?? 4, 4) });
    case "string":
      if (schema["format"] === "uri") return fc.webUrl();
      if (schema["format"] === "uuid") return fc.uuid();
      if (schema["pattern"]) return fc.stringMatching(new RegExp(schema["pattern"] as string));
      return fc.string({ minLength: schema["minLength"] ?? 0, maxLength: Math.min(schema["maxLength"] ?? 20, 20) });
    case "integer":
      return fc.integer({ min: schema["minimum"] ?? -1000, max: schema["maximum"] ?? 1000 });
    case "number":
      return fc.double({ min: schema["minimum"] ?? -1000, max: schema["maximum"] ?? 1000, noNaN: true });
    case "boolean":
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Mostly well-shaped values, some with a stray field, some arbitrary JSON. */
function fuzzed(schema: Schema | undefined): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: valueFor(schema) },
    { weight: 1, arbitrary: fc.tuple(valueFor(schema), fc.string({ maxLength: 6 }), fc.jsonValue()).map(([value, key, extra]) => (value && typeof value === "object" && !Array.isArray(value) ? { ...value, [`x${key}`]: extra } : value)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

function urlFor(operation: Operation, params: Record<string, string>, query: Record<string, string>): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? "x"));
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

export function fuzzRequests(operation: Operation, headers: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<RequestSpec> {
  const param = (schema: Schema) => fc.oneof(valueFor(schema).map(String), fc.string({ maxLength: 30 }));
  const params = fc.record(Object.fromEntries(operation.pathParams.map(({ name, schema }) => [name, param(schema)])));
  const query = fc.record(Object.fromEntries(operation.query.map(({ name, schema }) => [name, param(schema)])), { requiredKeys: [] });
  const body = operation.body ? fuzzed(operation.body).map((value) => JSON.stringify(value)) : fc.constant(undefined);
  return fc.record({ params, query, body, headers }).map(({ params: p, query: q, body: b, headers: h }) => ({
    method: operation.method,
    url: urlFor(operation, p, q as Record<string, string>),
    payload: b,
    headers: { ...(b === undefined ? {} : { "content-type": "application/json" }), ...h },
  }));
}

/** For every operation: the bad inputs it must answer with a 4xx problem document. */
export function badInputCases(operations: readonly Operation[], headers: Record<string, string>, bodyLimit: number): Array<{ name: string; request: RequestSpec }> {
  const cases: Array<{ name: string; request: RequestSpec }> = [];
  for (const operation of operations) {
    const valid = (schema: Schema) => String(fc.sample(valueFor(schema), { numRuns: 1, seed: 42 })[0]);
    const url = urlFor(operation, Object.fromEntries(operation.pathParams.map(({ name, schema }) => [name, valid(schema)])), {});
    const json = { ...headers, "content-type": "application/json" };
    const label = `${operation.method} ${operation.path}`;
    if (operation.body) {
      const example = fc.sample(valueFor(operation.body), { numRuns: 1, seed: 7 })[0] as Record<string, unknown>;
      cases.push({ name: `${label}: malformed JSON body`, request: { method: operation.method, url, payload: '{"oops": ', headers: json } });
      cases.push({ name: `${label}: unknown field`, request: { method: operation.method, url, payload: JSON.stringify({ ...example, notAField: 1 }), headers: json } });
      cases.push({ name: `${label}: oversize payload`, request: { method: operation.method, url, payload: JSON.stringify({ ...example, pad: "x".repeat(bodyLimit) }), headers: json } });
    }
    for (const { name } of operation.pathParams) {
      const params = Object.fromEntries(operation.pathParams.map((p) => [p.name, p.name === name ? "Not Valid!" : valid(p.schema)]));
      cases.push({ name: `${label}: bad path parameter ${name}`, request: { method: operation.method, url: urlFor(operation, params, {}), payload: operation.body ? "{}" : undefined, headers: operation.body ? json : headers } });
    }
    cases.push({ name: `${label}: unknown query parameter`, request: { method: operation.method, url: `${url}?notAParameter=1`, payload: operation.body ? "{}" : undefined, headers: operation.body ? json : headers } });
  }
  return cases;
}

/** The slice of a Fastify app these drivers need (`service.app`). */
export interface Injectable {
  inject(request: { method: string; url: string; payload?: string; headers?: Record<string, string> }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
}

async function operationsServedBy(app: Injectable): Promise<Operation[]> {
  return operationsOf(JSON.parse((await app.inject({ method: "GET", url: "/openapi.json" })).body) as Schema);
}

/** Sends every bad-input case of the app's own OpenAPI document; lists those not answered with a 4xx problem document. */
export async function badInputFailures(app: Injectable, headers: Record<string, string>, bodyLimit: number): Promise<{ cases: number; failures: string[] }> {
  const cases = badInputCases(await operationsServedBy(app), headers, bodyLimit);
  const failures: string[] = [];
  for (const { name, request } of cases) {
    const response = await app.inject(request);
    const isProblem = /^application\/problem\+json/.test(String(response.headers["content-type"]));
    if (response.statusCode < 400 || response.statusCode >= 500 || !isProblem) failures.push(`${name}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  }
  return { cases: cases.length, failures };
}

/** Mostly requests with `valid` headers (e.g. an actor), some with none, some with a junk context header. */
export function fuzzHeaders(valid: Record<string, string>): fc.Arbitrary<Record<string, string>> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((junk) => ({ "x-armature-context": Buffer.from(junk).toString("base64url") })) },
  );
}

/**
 * A fast-check run over every operation of the app's OpenAPI document: throws on the first 5xx (a
 * 503 health document excepted: that is the health contract, not a server error). Returns how
 * many requests were sent.
 */
export async function fuzzForServerErrors(app: Injectable, headers: fc.Arbitrary<Record<string, string>>, numRuns = 60): Promise<number> {
  let sent = 0;
  for (const operation of await operationsServedBy(app)) {
    await fc.assert(
      fc.asyncProperty(fuzzRequests(operation, headers), async (request) => {
        sent++;
        const response = await app.inject(request);
        const healthAnswer = response.statusCode === 503 && /^application\/health\+json/.test(String(response.headers["content-type"]));
        if (response.statusCode >= 500 && !healthAnswer) throw new Error(`${request.method} ${request.url} ${request.payload ?? ""} -> ${response.statusCode} ${response.body}`);
      }),
      { numRuns },
    );
  }
  return sent;
}
