// ESLint with typescript-eslint's type-aware rules: they catch what tsc does not, chiefly floating
// promises and misused async callbacks, which in servers become lost requests.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// Layer rules (docs/architecture.md#layer-rules): config → stacks → components → resources, apps apart.
// ESLint's own no-restricted-imports matches import specifiers, and every import here is relative,
// so each rule names the `../` prefixes that climb out of a folder (for static and dynamic imports).
// tools/lint/layer-rules.test.ts lints one wrong import per layer, both ways, and expects each rule to fire.
const WHY = "docs/architecture.md#layer-rules";
/** Not shipped, so exempt: tests, test support and benchmarks may use tools/test-services. */
const NOT_SHIPPED = ["**/*.test.ts", "**/testing/**", "apps/*/testing.ts", "apps/*/bench/**"];
const MAX_DEPTH = 4;
const DEPTHS = Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => depth);
/** The glob of files `depth` folders below `root` (depth 0: `root/*.ts`). */
const filesAt = (root, depth) => `${root}/${"*/".repeat(depth)}*.ts`;
/** A regex for a relative specifier that leaves a folder from a file `depth` folders inside it. */
const climbsOut = (depth) => `^(\\.\\./){${depth + 1}}`;
/**
 * no-restricted-imports does not look at `import("...")`, so the same regex is matched on dynamic
 * imports' string literals too (an esquery selector: its regex may hold no "/", hence \x2F).
 */
const dynamicImportSelector = (regex) => `ImportExpression > Literal.source[value=/${regex.replaceAll("/", "\\x2F")}/]`;
const restrict = (files, regex, message, ignores = []) => ({
  files: Array.isArray(files) ? files : [files],
  ignores: [...NOT_SHIPPED, ...ignores],
  rules: {
    "no-restricted-imports": ["error", { patterns: [{ regex, message: `${message} (${WHY})` }] }],
    "no-restricted-syntax": ["error", { selector: dynamicImportSelector(regex), message: `${message} (${WHY})` }],
  },
});

const layerRules = [
  restrict("components/**/*.ts", "^(\\.\\./)+(stacks|tools|apps)(/|$)", "components never import stacks, tools or apps: take typed Args"),
  restrict("stacks/*.ts", "^(\\.\\./)+(tools|apps)(/|$)", "stacks never import tools or apps"),
  restrict(
    "stacks/config/**/*.ts",
    "^\\.\\./(?!\\.\\./components/)",
    "stacks/config imports nothing of the composition: only itself, component constants and packages",
  ),
  ...DEPTHS.map((depth) =>
    restrict(filesAt("policies", depth), climbsOut(depth), "policies import nothing outside policies/: `pulumi policy publish` packs the folder alone"),
  ),
  // An app: its own folder, the kit's public entry, another app's published SDK entry (as a product
  // service uses it), and the query types generated into migrations/.
  ...DEPTHS.map((depth) =>
    restrict(
      filesAt("apps/*", depth),
      `${climbsOut(depth)}(?!kit(/index)?$|[a-z-]+/sdk(/index)?$|\\.\\./migrations/[a-z-]+/schema\\.generated$)`,
      "apps import only their own folder, apps/kit's public entry (apps/kit/index.ts) and other apps' sdk/index.ts",
      ["apps/kit/**"],
    ),
  ),
  // The kit is what every app builds on: it imports nothing of the apps.
  ...DEPTHS.map((depth) => restrict(filesAt("apps/kit", depth), climbsOut(depth), "the kit imports nothing outside apps/kit")),
];

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "**/generated/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.mjs", "tools/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["**/*.test.ts"],
    rules: {
      // Tests read fields of parsed JSON and of free-form fixtures.
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  ...layerRules,
  { files: ["**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  { files: ["**/*.mjs"], languageOptions: { globals: globals.node } },
);
