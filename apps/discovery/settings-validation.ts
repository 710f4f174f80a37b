/** A service's settings are checked against the JSON Schema it registered (ajv, draft 2020-12). */
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";

/** Problems with the settings (empty when they are valid); a schema that does not compile is one problem. */
export function settingsProblems(settings: unknown, schema: Record<string, unknown> | undefined | null): string[] {
  if (!schema) return [];
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
