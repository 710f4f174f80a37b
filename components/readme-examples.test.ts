/**
 * Every ```ts example in components/<name>/README.md runs, as cloud-foundation-fabric tests its
 * module READMEs: under the mock runtime, with the givens of readme-example-context.ts in scope and
 * its imports resolved as if it sat in stacks/ (where the program composes components). Each example
 * ends with `// README test: <n> resources`, the number of resources it registers (components and
 * their children); the test fails when the example throws, names something undefined, or registers
 * another number, so an example cannot drift from the component.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { transformSync } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { readmeExampleContext } from "./shared/readme-example-context";
import { type MockRuntime, useMockRuntime } from "./shared/mock-runtime";

const ROOT = path.resolve(__dirname, "..");
/** Examples import as the program does, from stacks/. */
const IMPORTED_FROM = path.join(ROOT, "stacks");
const EXAMPLE = /^```ts\n([\s\S]*?)^```$/gm;
const COUNT = /^\/\/ README test: (\d+) resources?$/m;
const IMPORT = /^import (?:\{([^}]+)\}|\* as (\w+)) from "([^"]+)";\n/gm;

interface Example {
  readonly readme: string;
  readonly index: number;
  readonly code: string;
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const component of readdirSync(__dirname).sort()) {
    const readme = path.join(__dirname, component, "README.md");
    if (!existsSync(readme)) continue;
    let index = 0;
    for (const match of readFileSync(readme, "utf8").matchAll(EXAMPLE)) found.push({ readme: `components/${component}/README.md`, index: ++index, code: match[1]! });
  }
  return found;
}

/** The example's imports, loaded, by the name it binds them to; and the code without them. */
async function resolveImports(code: string): Promise<{ bindings: Record<string, unknown>; body: string }> {
  const bindings: Record<string, unknown> = {};
  for (const [, names, namespace, specifier] of code.matchAll(IMPORT)) {
    const target = specifier!.startsWith(".") ? path.resolve(IMPORTED_FROM, specifier!) : specifier!;
    const module = (await import(target)) as Record<string, unknown>;
    if (namespace) bindings[namespace] = module;
    for (const name of names?.split(",").map((n) => n.trim()).filter(Boolean) ?? []) {
      expect(module, `${specifier} exports ${name}`).toHaveProperty(name);
      bindings[name] = module[name];
    }
  }
  return { bindings, body: code.replace(IMPORT, "") };
}

/** Names the example declares itself: the context must not pass those in. */
function declaredNames(code: string): Set<string> {
  return new Set([...code.matchAll(/^(?:const|let|var) (\w+)/gm)].map((match) => match[1]!));
}

let mocks: MockRuntime;
let context: Readonly<Record<string, unknown>>;
beforeAll(async () => {
  mocks = await useMockRuntime("armature", "readme");
  context = readmeExampleContext();
  await mocks.settle();
});

const all = examples();

describe("README examples of the components", () => {
  it("finds the examples of every component README that has one", () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  // One runtime for all: examples run one after another, so each one's count is what it added.
  it.each(all.map((example) => [`${example.readme} #${example.index}`, example] as const))("%s runs and registers the resources it states", async (_name, example) => {
    const stated = COUNT.exec(example.code);
    expect(stated, `${example.readme} example ${example.index} ends with "// README test: <n> resources"`).not.toBeNull();
    const { bindings, body } = await resolveImports(example.code);
    const declared = declaredNames(body);
    const scope = { ...Object.fromEntries(Object.entries(context).filter(([name]) => !declared.has(name))), ...bindings };
    const javascript = transformSync(body, { loader: "ts", format: "cjs" }).code;
    const before = mocks.resources.length;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the example is the repository's own README code
    new Function(...Object.keys(scope), javascript)(...Object.values(scope));
    await mocks.settle();
    expect(mocks.resources.length - before).toBe(Number(stated![1]));
  });
});
