/** A service's settings are checked against the JSON Schema it registered (ajv, draft 2020-12). */
import type * as Ajv from "ajv/dist/2020";
import type AddFormats from "ajv-formats";

/** Problems with the settings (empty when they are valid); a schema that does not compile is one problem. */
export function settingsProblems(settings: unknown, schema: Record<string, unknown> | undefined | null): string[] {
  if (!schema) return [];
  // Loaded when first needed: lookups and readiness never validate settings, so a cold start skips ajv.
  /* eslint-disable @typescript-eslint/no-require-imports -- literal requires, so the bundler still includes them */
  const { Ajv2020 } = require("ajv/dist/2020") as typeof Ajv;
  const addFormats = (require("ajv-formats") as { default: typeof AddFormats }).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // A fresh validator per check: writes are rare, and a shared one would cache every schema forever.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    return [`settingsSchema is not a valid JSON Schema: ${(error as Error).message}`];
  }
  if (validate(settings)) return [];
  return (validate.errors ?? []).map((error) => `settings${error.instancePath.replaceAll("/", ".")} ${error.message ?? "is invalid"}`);
}
