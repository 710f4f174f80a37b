/**
 * The API contract rules every platform document keeps, as a Spectral ruleset: Spectral's own OpenAPI
 * rules (`spectral:oas`, recommended) plus the platform's: an operationId on every operation,
 * versioned kebab-case paths, camelCase fields, and RFC 9457 problem documents for every error.
 */
import type { RulesetDefinition } from "@stoplight/spectral-core";
import { casing, pattern, schema, truthy } from "@stoplight/spectral-functions";
import { oas } from "@stoplight/spectral-rulesets";

/** Unversioned paths the kit serves on every app (probes), and the health service's HTML status page. */
const PLATFORM_PATHS = ["/livez", "/readyz", "/startupz", "/_internal_/healthcheck", "/status"];
const escape = (path: string) => path.replace(/[/.]/g, "\\$&");

export const armatureRuleset: RulesetDefinition = {
  extends: [[oas as RulesetDefinition, "recommended"]],
  rules: {
    // The owning team differs per company and is named in the repository, not in each document.
    "info-contact": "off",
    // Every operation has a summary (armature-operation-summary); a description is added where the service checks more than its schema states.
    "operation-description": "off",
    "armature-operation-summary": {
      description: "Every operation says in one line what it does.",
      severity: "error",
      given: "$.paths[*][get,put,post,delete,patch,options,head,trace]",
      then: { field: "summary", function: truthy },
    },
    "armature-operation-id": {
      description: "Every operation has a camelCase operationId: client generators name their methods after it.",
      severity: "error",
      given: "$.paths[*][get,put,post,delete,patch,options,head,trace]",
      then: [{ field: "operationId", function: truthy }, { field: "operationId", function: casing, functionOptions: { type: "camel" } }],
    },
    "armature-versioned-paths": {
      description: "API paths start with their major version (/v1/...); only the platform's probe paths and the status page are unversioned.",
      severity: "error",
      given: "$.paths",
      then: { field: "@key", function: pattern, functionOptions: { match: `^(/v\\d+/|(${PLATFORM_PATHS.map(escape).join("|")})$)` } },
    },
    "armature-kebab-case-paths": {
      description: "Path segments are lower-case kebab-case; parameters are camelCase.",
      severity: "error",
      given: "$.paths",
      then: { field: "@key", function: pattern, functionOptions: { match: `^((/([a-z0-9]+(-[a-z0-9]+)*|\\{[a-z][a-zA-Z0-9]*\\}))+|${escape("/_internal_/healthcheck")})$` } },
    },
    "armature-camel-case-fields": {
      description: "Fields of request and response documents are camelCase.",
      severity: "error",
      given: "$..properties",
      then: { field: "@key", function: casing, functionOptions: { type: "camel" } },
    },
    "armature-problem-responses": {
      description: "Every 4xx and 5xx response is an RFC 9457 problem document (application/problem+json) with its schema; a health endpoint's 503 is its health document (application/health+json).",
      severity: "error",
      given: "$.paths[*][*].responses[?(@property.match(/^[45]/))]",
      then: {
        function: schema,
        functionOptions: {
          schema: {
            type: "object",
            required: ["content"],
            properties: {
              content: {
                type: "object",
                not: { required: ["application/json"] },
                anyOf: [
                  { required: ["application/problem+json"], properties: { "application/problem+json": { required: ["schema"] } } },
                  { required: ["application/health+json"], properties: { "application/health+json": { required: ["schema"] } } },
                ],
              },
            },
          },
        },
      },
    },
  },
};
