/**
 * The layer rules of eslint.config.mjs (docs/architecture.md#layer-rules) fire on a wrong import in
 * each layer, static or dynamic (`import()`), and stay quiet on the imports each layer is allowed. Each case lints one in-memory file
 * at a path inside the layer with the repository's real ESLint config (type-aware rules switched off:
 * the file exists only in memory, so the TypeScript project cannot hold it).
 */
import path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const RULES = new Set(["no-restricted-imports", "no-restricted-syntax"]);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked, ruleFilter: ({ ruleId }) => RULES.has(ruleId) });
});

const importForms = {
  static: (specifier: string) => `import { probe } from "${specifier}";\nexport const used = probe;\n`,
  dynamic: (specifier: string) => `export const used = async () => (await import("${specifier}")).probe;\n`,
};

/** The layer-rule messages ESLint reports for importing `specifier` (statically or with import()) in the file at `file`. */
async function layerErrors(file: string, specifier: string, form: keyof typeof importForms): Promise<string[]> {
  const [result] = await eslint.lintText(importForms[form](specifier), { filePath: path.join(ROOT, file) });
  expect(result, `ESLint linted ${file}`).toBeDefined();
  expect(result!.messages.filter((message) => message.fatal)).toEqual([]);
  return result!.messages.filter((message) => RULES.has(message.ruleId ?? "")).map((message) => message.message);
}

// [layer, file inside it, import that crosses a layer]
const wrong: readonly (readonly [string, string, string])[] = [
  ["components → stacks", "components/network/probe.ts", "../../stacks/labels"],
  ["components → tools", "components/shared/probe.ts", "../../tools/plan/analyzer"],
  ["components → apps", "components/platform-apps/probe.ts", "../../apps/kit/index"],
  ["stacks/config → the composition", "stacks/config/probe.ts", "../labels"],
  ["stacks/config → tools", "stacks/config/probe.ts", "../../tools/plan/stack-file"],
  ["stacks → tools", "stacks/probe.ts", "../tools/plan/analyzer"],
  ["stacks → apps", "stacks/probe.ts", "../apps/kit/index"],
  ["policies → outside (top level)", "policies/probe.ts", "../stacks/labels"],
  ["policies → outside (area)", "policies/gke/probe.ts", "../../components/shared/cidr"],
  ["app → kit internals", "apps/flags/probe.ts", "../kit/logger"],
  ["app (nested) → kit internals", "apps/flags/sdk/probe.ts", "../../kit/dependencies"],
  ["app (deep) → kit internals", "apps/migrator/src/cli/probe.ts", "../../../kit/logger"],
  ["app → another app's internals", "apps/health/probe.ts", "../discovery/registry-store"],
  ["app → tools", "apps/migrator/src/codegen/probe.ts", "../../../../tools/test-services/postgres"],
  ["app → components", "apps/worker/runtime/probe.ts", "../../../components/shared/kubernetes"],
  ["app → stacks", "apps/discovery/probe.ts", "../../stacks/labels"],
  ["kit → an app's SDK", "apps/kit/probe.ts", "../discovery/sdk/index"],
  ["kit (nested) → an app", "apps/kit/health/probe.ts", "../../flags/flag-store"],
];

// [what, file, import the layer may use]
const allowed: readonly (readonly [string, string, string])[] = [
  ["a component's own folder and other components", "components/tenant/probe.ts", "../shared/cidr"],
  ["stacks/config: component constants", "stacks/config/probe.ts", "../../components/kafka/topic-name"],
  ["stacks/config: itself", "stacks/config/probe.ts", "./platform-tenant"],
  ["stacks: components", "stacks/probe.ts", "../components/network/network"],
  ["policies: inside policies", "policies/gke/probe.ts", "../lib/values"],
  ["an app: its own folder", "apps/flags/sdk/probe.ts", "../flag-store"],
  ["an app: the kit's public entry", "apps/flags/sdk/probe.ts", "../../kit/index"],
  ["an app: the kit's folder (its index)", "apps/flags/probe.ts", "../kit"],
  ["an app: another app's SDK entry", "apps/health/probe.ts", "../discovery/sdk/index"],
  ["an app: generated query types", "apps/worker/runtime/probe.ts", "../../../migrations/worker/schema.generated"],
  ["the kit: its own internals", "apps/kit/health/probe.ts", "../logger"],
  ["tools: anything", "tools/plan/probe.ts", "../../apps/kit/logger"],
  // Not shipped, so exempt (test files, test support, benchmarks).
  ["a component test: the test services", "components/postgres/probe.int.test.ts", "../../tools/test-services/postgres"],
  ["an app test: kit internals", "apps/flags/probe.test.ts", "../kit/logger"],
  ["an app's test support", "apps/flags/testing/probe.ts", "../../kit/testing/actor-header"],
  ["an app benchmark: the test services", "apps/flags/bench/probe.ts", "../../../tools/test-services/postgres"],
];

describe.each(["static", "dynamic"] as const)("layer rules (eslint.config.mjs), %s imports", (form) => {
  it.each(wrong)("%s: %s importing %s is an error that cites the rules", async (_layer, file, specifier) => {
    const errors = await layerErrors(file, specifier, form);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("docs/architecture.md#layer-rules");
  });

  it.each(allowed)("%s: %s may import %s", async (_what, file, specifier) => {
    expect(await layerErrors(file, specifier, form)).toEqual([]);
  });
});
