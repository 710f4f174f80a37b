/**
 * Unknown and missing values never crash a policy. During a preview any input can be unknown (an
 * output of a resource not yet created) and any input may be absent; a policy must then either
 * decide, or be reported as "can't run during preview" (the CLI's advisory), never throw.
 *
 * A systematic sweep over every input path of every example, then fast-check with arbitrary values
 * at arbitrary paths (the wrong types a raw provider call or another language could send).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allCases } from "./all.cases";
import type { ArmaturePolicy } from "./policy";
import type { InputMode, PolicySubject } from "./runner";
import { type Example, run, withSubjects } from "./testing/examples";

type Path = readonly (string | number)[];
type Location = { readonly subject: number; readonly provider: boolean; readonly path: Path };

/** Every node below the root of a JSON-like value. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
}

function locationsOf(example: Example): Location[] {
  return example.subjects.flatMap((subject, index) => [
    ...pathsOf(subject.inputs).map((path) => ({ subject: index, provider: false, path })),
    ...pathsOf(subject.provider?.inputs ?? {}).map((path) => ({ subject: index, provider: true, path })),
  ]);
}

/** The example with the value at `location` replaced (`remove` deletes it instead). */
function edited(example: Example, location: Location, edit: { value?: unknown; remove?: boolean }): Example {
  const subjects = example.subjects.map((subject, index): PolicySubject => {
    if (index !== location.subject) return subject;
    const inputs = structuredClone(location.provider ? subject.provider!.inputs : subject.inputs) as Record<string | number, unknown>;
    let node: Record<string | number, unknown> = inputs;
    for (const step of location.path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
    const last = location.path.at(-1)!;
    if (edit.remove && !Array.isArray(node)) delete node[last];
    else node[last] = edit.value;
    return location.provider ? { ...subject, provider: { ...subject.provider!, inputs } } : { ...subject, inputs };
  });
  return withSubjects(example, subjects);
}

async function expectNoCrash(policy: ArmaturePolicy, example: Example, mode: InputMode, what: string): Promise<void> {
  const findings = await run(policy, example, mode).catch((error: unknown) => {
    throw new Error(`${policy.name} crashed on ${what}: ${(error as Error).stack ?? String(error)}`);
  });
  for (const finding of findings) {
    if (finding.cannotRun) expect(finding.enforcement).toBe("advisory");
  }
}

const examplesOf = (policyName: string) => {
  const cases = allCases.find((entry) => entry.policy.name === policyName)!;
  return [...cases.passes, ...cases.violations];
};

describe.each(allCases.map((cases) => [cases.policy.name, cases.policy] as const))("%s", (name, policy) => {
  it("survives every input being unknown, undefined or absent, one at a time", async () => {
    let variants = 0;
    for (const example of examplesOf(name)) {
      for (const location of locationsOf(example)) {
        const where = `${example.name} at ${location.provider ? "provider." : ""}${location.path.join(".")}`;
        await expectNoCrash(policy, edited(example, location, { value: undefined }), "preview", `an unknown ${where}`);
        await expectNoCrash(policy, edited(example, location, { value: undefined }), "raw", `an undefined ${where}`);
        await expectNoCrash(policy, edited(example, location, { remove: true }), "raw", `a missing ${where}`);
        variants += 3;
      }
    }
    expect(variants).toBeGreaterThan(0);
  });

  it("survives values that cannot be printed, at every input path", async () => {
    // String() throws on both; a message that interpolates an input must print it with shown().
    const unprintable = [{ toString: false, valueOf: false }, Object.create(null) as object];
    let variants = 0;
    for (const example of examplesOf(name)) {
      for (const location of locationsOf(example)) {
        for (const value of unprintable) {
          await expectNoCrash(policy, edited(example, location, { value }), "raw", `an unprintable value at ${location.path.join(".")} of ${example.name}`);
          variants += 1;
        }
      }
    }
    expect(variants).toBeGreaterThan(0);
  });

  it("survives arbitrary values at arbitrary input paths", async () => {
    const examples = examplesOf(name);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.anything({ maxDepth: 2 }), fc.constantFrom<InputMode>("preview", "raw"), async (pick, at, value, mode) => {
        const example = examples[pick % examples.length]!;
        const locations = locationsOf(example);
        if (locations.length === 0) return;
        await expectNoCrash(policy, edited(example, locations[at % locations.length]!, { value }), mode, `value ${fc.stringify(value)}`);
      }),
      { numRuns: 40 },
    );
  });

  it("survives every input of a resource being unknown at once", async () => {
    for (const example of examplesOf(name)) {
      const allUnknown = withSubjects(
        example,
        example.subjects.map((subject) => ({ ...subject, inputs: Object.fromEntries(Object.keys(subject.inputs).map((key) => [key, undefined])) })),
      );
      await expectNoCrash(policy, allUnknown, "preview", `${example.name} with every input unknown`);
    }
  });
});

describe("an unknown value the verdict depends on", () => {
  it("is reported as the CLI does: advisory, can't run during preview", async () => {
    const cases = allCases.find((entry) => entry.policy.name === "gke-private-nodes")!;
    const example = cases.passes[0]!;
    const location = { subject: 0, provider: false, path: ["privateClusterConfig", "enablePrivateNodes"] };
    const findings = await run(cases.policy, edited(example, location, { value: undefined }));
    expect(findings).toMatchObject([{ enforcement: "advisory", cannotRun: true, message: expect.stringMatching(/^can't run during preview: .*privateClusterConfig\.enablePrivateNodes/) as unknown }]);
  });
});
