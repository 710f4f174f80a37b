/**
 * Finishes the OpenAPI document @fastify/swagger generates from the zod route schemas, so that it
 * says what the service does on the wire (RFC 9457 problem documents, health documents, the
 * caller-token scheme, the answers the kit gives on every route) and standard tools accept it:
 * every operation has an operationId, every `$ref` resolves, no schema is left unused.
 */
import type { OpenAPIV3_1 } from "openapi-types";
import { HEALTH_COMPONENT, HEALTH_CONTENT_TYPE } from "./health/health-document";
import { PROBLEM_COMPONENT, PROBLEM_CONTENT_TYPE } from "./http-errors";

export const CALLER_TOKEN_SCHEME = "callerToken";

/**
 * OpenAPI `security` of an operation whose handler calls requireActor: a change is audited, so it
 * needs a caller token (when CALLER_TOKEN_ISSUERS is set, as on the platform).
 */
export const ACTOR_REQUIRED: Array<Record<string, string[]>> = [{ [CALLER_TOKEN_SCHEME]: [] }];

type Document = OpenAPIV3_1.Document;
type Operation = OpenAPIV3_1.OperationObject;
type Responses = OpenAPIV3_1.ResponsesObject;

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const;
const problemRef = { $ref: `#/components/schemas/${PROBLEM_COMPONENT}` };
const problem = (description: string): OpenAPIV3_1.ResponseObject => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemRef } } });

/** Answers the kit itself gives on any route, before or around the handler. */
const KIT_RESPONSES: Record<string, string> = {
  "400": "Bad request: a parameter, the body or the x-armature-context header is invalid, or the body holds U+0000 (`issues` says where).",
  "401": "The caller token is invalid (expired, wrong audience, untrusted issuer, bad signature), or a change was sent without one.",
  "403": "The caller may not do this: no authorisation rule grants it (the problem says how to get access).",
  "5XX": "The service failed (quote the invocationId), is shutting down, or a dependency is unavailable.",
};
const BODY_RESPONSES: Record<string, string> = {
  "413": "The body is larger than BODY_LIMIT_BYTES.",
  "415": "The body is not application/json.",
};

const callerToken: OpenAPIV3_1.HttpSecurityScheme = {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
  description:
    "A Kubernetes service-account token with the platform's audience (CALLER_TOKEN_AUDIENCE, default armature-platform), from an issuer in CALLER_TOKEN_ISSUERS. Reads need none; changes need one, and a person is named as who the account acts for in the x-armature-context header.",
};

/**
 * The document's start (given to @fastify/swagger, which reads the schemes while it builds each
 * operation): the caller-token scheme, optional on reads; operations that change state say ACTOR_REQUIRED.
 */
export const OPENAPI_SECURITY: Pick<OpenAPIV3_1.Document, "components" | "security"> = {
  components: { securitySchemes: { [CALLER_TOKEN_SCHEME]: callerToken } },
  security: [{}, { [CALLER_TOKEN_SCHEME]: [] }],
};

/** Where the app is reached in the cluster: its Service on port 8080 (the platform's apps live in the namespace platform). */
export function serversFor(serviceName: string): OpenAPIV3_1.ServerObject[] {
  return [
    {
      url: "http://{host}:8080",
      description: "The app's Service inside the cluster (the kit's HTTP port).",
      variables: { host: { default: `${serviceName}.platform`, description: "<service>.<namespace> of the app's Kubernetes Service." } },
    },
  ];
}

export function completeOpenApiDocument(document: Document): Document {
  const paths: OpenAPIV3_1.PathsObject = {};
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const completed: OpenAPIV3_1.PathItemObject = { ...item };
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation) (completed as Record<string, Operation>)[method] = completeOperation(operation, method, path);
    }
    paths[path] = completed;
  }
  // Every tag an operation uses is declared once, in order of first use.
  const tags = [...new Set(Object.values(paths).flatMap((item) => METHODS.flatMap((method) => item?.[method]?.tags ?? [])))].map((name) => ({ name }));
  return withoutUnusedSchemas({ ...document, tags, paths });
}

function completeOperation(operation: Operation, method: string, path: string): Operation {
  const responses: Responses = {};
  for (const [status, response] of Object.entries(operation.responses ?? {})) responses[status] = withMediaType(response as OpenAPIV3_1.ResponseObject);
  const extra = { ...KIT_RESPONSES, ...(operation.requestBody ? BODY_RESPONSES : {}) };
  for (const [status, description] of Object.entries(extra)) responses[status] ??= problem(description);
  return { operationId: operation.operationId ?? operationIdFor(method, path), ...operation, responses };
}

/** A problem or health document is served with its own media type, not application/json. */
function withMediaType(response: OpenAPIV3_1.ResponseObject): OpenAPIV3_1.ResponseObject {
  const json = response.content?.["application/json"];
  const ref = (json?.schema as OpenAPIV3_1.ReferenceObject | undefined)?.$ref;
  const mediaType = ref === problemRef.$ref ? PROBLEM_CONTENT_TYPE : ref === `#/components/schemas/${HEALTH_COMPONENT}` ? HEALTH_CONTENT_TYPE : undefined;
  if (!json || !mediaType) return response;
  const { "application/json": _json, ...others } = response.content!;
  return { ...response, content: { ...others, [mediaType]: json } };
}

/** `GET /v1/services/{name}/audit` → `getServicesByNameAudit`: unique per method and path. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .split("/")
    .filter((segment) => segment !== "" && !/^v\d+$/.test(segment))
    .flatMap((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment);
      return parameter ? ["by", ...parameter[1]!.split(/[^A-Za-z0-9]+/)] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter((word) => word !== "");
  return [method, ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join("");
}

/**
 * zod's registry is process-wide, so every registered schema lands in every app's components;
 * only those the document reaches (through its paths, transitively) are kept.
 */
function withoutUnusedSchemas(document: Document): Document {
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value)) {
      const name = key === "$ref" && typeof child === "string" ? /^#\/components\/schemas\/(.+)$/.exec(child)?.[1] : undefined;
      if (name !== undefined && !used.has(name)) {
        used.add(name);
        visit(schemas[name]);
      } else visit(child);
    }
  };
  visit(document.paths);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)).sort(([a], [b]) => a.localeCompare(b)));
  return { ...document, components: { ...document.components, schemas: kept } };
}
