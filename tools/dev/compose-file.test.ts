/**
 * compose.yaml against the Compose specification's JSON Schema (tools/dev/compose-spec/, vendored:
 * see tools/dev/README.md for its source and licence), and the repository's own rules for it: the
 * apps' images are the ones tools/images builds, every long-running service has a health check,
 * every port is published on loopback only, no password is written in it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import draft07 from "ajv/dist/refs/json-schema-draft-07.json";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../repository-root";
import { localTag } from "../images/image-catalog";

const schema = JSON.parse(readFileSync(path.join(__dirname, "compose-spec", "compose-spec.json"), "utf8")) as object;
// Compose files use YAML 1.1 merge keys (`<<: *app`); Compose resolves them before validating.
const load = (text: string) => parse(text, { merge: true }) as { services: Record<string, Record<string, unknown>> };
const compose = load(readFileSync(path.join(REPOSITORY_ROOT, "compose.yaml"), "utf8"));

// The schema names its meta-schema by the https address; Ajv knows draft-07 by the http one.
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema({ ...draft07, $id: "https://json-schema.org/draft-07/schema" });
const validate = ajv.compile(schema);
const problems = (document: unknown) => (validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));

describe("compose.yaml", () => {
  it("is valid against the Compose specification's schema", () => {
    expect(problems(compose)).toEqual([]);
  });

  it("would be refused by the schema if it were wrong (the validator is not vacuous)", () => {
    expect(problems({ ...compose, servcies: {} }).join("\n")).toMatch(/must NOT have additional properties/);
    expect(problems({ services: { postgres: { image: "postgres", depends_on: { redis: { condition: "whenever" } } } } }).length).toBeGreaterThan(0);
    expect(problems({ services: { postgres: { image: "postgres", healthcheck: { test: 42 } } } }).length).toBeGreaterThan(0);
  });

  it("runs the platform apps from the images tools/images builds", () => {
    for (const app of ["discovery", "flags", "health", "worker"] as const) expect(compose.services[app]?.["image"], app).toBe(localTag(app));
    for (const name of Object.keys(compose.services).filter((name) => name.startsWith("migrate-"))) expect(compose.services[name]?.["image"]).toBe(localTag("migrator"));
  });

  it("checks the health of every long-running service, and starts apps once what they need is healthy or done", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service["restart"] === "no") continue; // one-shot: migrations, topic creation
      expect(service["healthcheck"], name).toBeDefined();
    }
    const conditions = Object.values(compose.services).flatMap((service) => Object.values((service["depends_on"] ?? {}) as Record<string, { condition: string }>).map((dependency) => dependency.condition));
    expect(conditions.length).toBeGreaterThan(0);
    expect(conditions.filter((condition) => condition === "service_started")).toEqual([]);
  });

  it("publishes ports on loopback only and holds no password", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of (service["ports"] ?? []) as string[]) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
    expect(readFileSync(path.join(REPOSITORY_ROOT, "compose.yaml"), "utf8")).not.toMatch(/PASSWORD\s*:|:\/\/[^/\s@]+:[^/\s@]+@/);
  });

  it("gives health no list of services: it finds them through discovery", () => {
    const health = compose.services["health"]!["environment"] as Record<string, string>;
    const urls = Object.entries(health).filter(([, value]) => /^https?:\/\//.test(String(value)));
    expect(urls.map(([key]) => key).sort()).toEqual(["DISCOVERY_URL", "SELF_REGISTRATION_DISCOVERY_URL", "SELF_REGISTRATION_ENDPOINT"]);
  });
});
