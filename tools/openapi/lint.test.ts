/**
 * The published documents pass the platform's Spectral ruleset (lint-ruleset.ts), and a copy broken
 * in each way the rules guard against fails it with the rule that names the break.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { documentFile } from "./documents";
import { describeDiagnostic, isFailure, lintDocument } from "./lint-documents";
import { HTTP_APPS } from "./platform-apps";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits a free-form OpenAPI document
type Json = Record<string, any>;

const failures = async (document: Json, source = "broken.json") => (await lintDocument(JSON.stringify(document), source)).filter(isFailure);

describe("the platform's OpenAPI lint", () => {
  for (const app of HTTP_APPS) {
    it(`passes docs/api/${app}.json with no error or warning`, async () => {
      const file = documentFile(app);
      expect((await failures(JSON.parse(readFileSync(file, "utf8")) as Json, file)).map(describeDiagnostic)).toEqual([]);
    }, 30_000); // the ruleset's first load compiles its functions: seconds on a busy machine
  }

  const discovery = () => JSON.parse(readFileSync(documentFile("discovery"), "utf8")) as Json;
  const breaks: Array<[string, string, (document: Json) => void]> = [
    ["a dangling $ref", "invalid-ref", (document) => (document["paths"]["/v1/services/{name}"]["put"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["settings"] = { $ref: "#/components/schemas/schema0" })],
    ["a problem documented as application/json", "armature-problem-responses", (document) => {
      const response = document["paths"]["/v1/services"]["get"]["responses"]["400"];
      response["content"] = { "application/json": response["content"]["application/problem+json"] };
    }],
    ["an error response without a body", "armature-problem-responses", (document) => (document["paths"]["/v1/services/{name}"]["delete"]["responses"]["404"] = { description: "gone" })],
    ["an operation without operationId", "armature-operation-id", (document) => delete document["paths"]["/v1/services"]["get"]["operationId"]],
    ["an unversioned path", "armature-versioned-paths", (document) => {
      document["paths"]["/services"] = document["paths"]["/v1/services"];
    }],
    ["a snake_case path", "armature-kebab-case-paths", (document) => {
      document["paths"]["/v1/service_list"] = document["paths"]["/v1/services"];
    }],
    ["a snake_case field", "armature-camel-case-fields", (document) => (document["components"]["schemas"]["Problem"]["properties"]["invocation_id"] = { type: "string" })],
    ["an operation without summary", "armature-operation-summary", (document) => delete document["paths"]["/v1/services"]["get"]["summary"]],
  ];
  for (const [what, rule, breakIt] of breaks) {
    it(`fails a copy with ${what} (${rule})`, async () => {
      const broken = discovery();
      breakIt(broken);
      expect((await failures(broken)).map((result) => result.code)).toContain(rule);
    });
  }
});
