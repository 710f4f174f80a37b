/**
 * The Unleash client specification (npm @unleash/client-specification), run as data against the
 * flags SDK: every file its index lists, every `tests` case (isEnabled) and every `variantTests`
 * case (getVariant). The SDK runs offline on the spec's flag set, read through importUnleash, in
 * environment "default" as an Unleash client does. Which files apply, and why, is in README.md.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../kit/logger";
import { discardLogs } from "../../kit/testing/log-capture";
import type { FlagContext } from "../engine/context";
import { FlagsClient } from "../sdk/index";
import { type UnleashState, importUnleash } from "./import-unleash";

interface SpecCase {
  readonly description: string;
  readonly context: FlagContext & { readonly properties?: Record<string, string | null> };
  readonly toggleName: string;
  readonly expectedResult: boolean | Record<string, unknown>;
}

interface Specification {
  readonly name: string;
  readonly state: UnleashState;
  readonly tests?: readonly SpecCase[];
  readonly variantTests?: readonly SpecCase[];
}

const SPECIFICATIONS = path.dirname(require.resolve("@unleash/client-specification/specifications/index.json"));
const files = JSON.parse(readFileSync(path.join(SPECIFICATIONS, "index.json"), "utf8")) as string[];
const logger = createLogger({ service: "spec", version: "0", level: "fatal", format: "json", destination: discardLogs() });
const clients: FlagsClient[] = [];

/** The SDK's answer in the shape Unleash's getVariant returns. */
function unleashVariant(client: FlagsClient, name: string, context: FlagContext): Record<string, unknown> {
  const { enabled, variant } = client.evaluate(name, context);
  if (!variant) return { name: "disabled", enabled: false, feature_enabled: enabled };
  return { name: variant.name, ...(variant.payload ? { payload: variant.payload } : {}), enabled: true, feature_enabled: enabled };
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

it("runs every specification file the package lists", () => {
  expect(files.length).toBeGreaterThanOrEqual(22);
});

for (const file of files) {
  const specification = JSON.parse(readFileSync(path.join(SPECIFICATIONS, file), "utf8")) as Specification;
  describe(`${file}: ${specification.name}`, () => {
    const client = new FlagsClient({ environment: "default", bootstrap: { version: 1, ...importUnleash(specification.state, "default") }, exposures: false, logger });
    clients.push(client);

    for (const testCase of specification.tests ?? []) {
      it(`isEnabled: ${testCase.description}`, () => {
        expect(client.isEnabled(testCase.toggleName, testCase.context)).toBe(testCase.expectedResult);
      });
    }
    for (const testCase of specification.variantTests ?? []) {
      it(`getVariant: ${testCase.description}`, () => {
        expect(unleashVariant(client, testCase.toggleName, testCase.context)).toEqual(testCase.expectedResult);
      });
    }
  });
}
