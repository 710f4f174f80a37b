/**
 * Unknown and missing values never crash a policy, and an unknown value never makes a violation.
 * During a preview any input can be unknown (an output of a resource not yet created) and any input
 * may be absent; a policy must then either decide, or be reported as "can't run during preview"
 * (the CLI's advisory), never throw. A compliant resource stays compliant whatever is unknown: one
 * value at a time, every value at once, and the whole resource when its provider is not configured
 * yet (the engine then shows stack policies `{}`; README, "Unknown values").
 *
 * A systematic sweep over every input path of every example, then fast-check with arbitrary values
 * at arbitrary paths (the wrong types a raw provider call or another language could send).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allCases } from "./all.cases";
import { asPreviewInputs, isUnknownValueError } from "./lib/unknowns";
import { type ArmaturePolicy, isStackPolicy } from "./policy";
import { type InputMode, type PolicyFinding, type PolicySubject, type SubjectProvider, stackValidationArgs } from "./runner";
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

async function expectNoCrash(policy: ArmaturePolicy, example: Example, mode: InputMode, what: string): Promise<PolicyFinding[]> {
  const findings = await run(policy, example, mode).catch((error: unknown) => {
    throw new Error(`${policy.name} crashed on ${what}: ${(error as Error).stack ?? String(error)}`);
  });
  for (const finding of findings) {
    if (finding.cannotRun) expect(finding.enforcement).toBe("advisory");
  }
  return findings;
}

/** A compliant example with unknowns: no violation, at most the advisory "can't run during preview". */
async function expectNoViolation(policy: ArmaturePolicy, example: Example, what: string): Promise<PolicyFinding[]> {
  const findings = await expectNoCrash(policy, example, "preview", what);
  expect(findings.filter((finding) => !finding.cannotRun).map((finding) => finding.message), `${policy.name} on ${what}`).toEqual([]);
  return findings;
}

/** Every leaf value (string, number, boolean, null) unknown; objects and arrays keep their shape. */
function leavesUnknown(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(leavesUnknown);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, leavesUnknown(item)]));
  return undefined;
}

/** A Kubernetes provider whose kubeconfig is an output of a cluster that does not exist yet. */
const UNCONFIGURED_PROVIDER: SubjectProvider = {
  urn: "urn:pulumi:test::armature::pulumi:providers:kubernetes::services-k8s",
  type: "pulumi:providers:kubernetes",
  name: "services-k8s",
  inputs: { kubeconfig: undefined, enableServerSideApply: "true" },
};

/** Every resource of the example behind a provider with an unknown input (its own provider gains one). */
function behindUnconfiguredProvider(example: Example): Example {
  return withSubjects(
    example,
    example.subjects.map((subject) => ({
      ...subject,
      provider: subject.provider ? { ...subject.provider, inputs: { ...subject.provider.inputs, credentials: undefined } } : UNCONFIGURED_PROVIDER,
    })),
  );
}

const passesOf = (policyName: string) => allCases.find((entry) => entry.policy.name === policyName)!.passes;

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
        if (passesOf(name).includes(example)) await expectNoViolation(policy, edited(example, location, { value: undefined }), `an unknown ${where}`);
        else await expectNoCrash(policy, edited(example, location, { value: undefined }), "preview", `an unknown ${where}`);
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

  it("survives every input of a resource being unknown at once, and a compliant one stays compliant", async () => {
    for (const example of examplesOf(name)) {
      const allUnknown = withSubjects(
        example,
        example.subjects.map((subject) => ({ ...subject, inputs: Object.fromEntries(Object.keys(subject.inputs).map((key) => [key, undefined])) })),
      );
      const everyLeafUnknown = withSubjects(
        example,
        example.subjects.map((subject) => ({ ...subject, inputs: leavesUnknown(subject.inputs) as Record<string, unknown> })),
      );
      const check = passesOf(name).includes(example) ? (variant: Example, what: string) => expectNoViolation(policy, variant, what) : (variant: Example, what: string) => expectNoCrash(policy, variant, "preview", what);
      await check(allUnknown, `${example.name} with every input unknown`);
      await check(everyLeafUnknown, `${example.name} with every value unknown`);
    }
  });

  it("finds no violation in a compliant resource whose provider is not configured yet", async () => {
    for (const example of passesOf(name)) {
      await expectNoViolation(policy, behindUnconfiguredProvider(example), `${example.name} behind an unconfigured provider`);
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

describe("a resource whose provider is not configured yet (a fresh preview)", () => {
  const stackCases = allCases.filter((cases) => isStackPolicy(cases.policy));
  const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
  const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
  const KNOWN_PROVIDER: SubjectProvider = { ...UNCONFIGURED_PROVIDER, inputs: { kubeconfig: "apiVersion: v1", enableServerSideApply: "true" } };
  const subject = (type: string, name: string, inputs: Record<string, unknown>, provider: SubjectProvider): PolicySubject => ({
    urn: `urn:pulumi:test::armature::${type}::${name}`,
    type,
    name,
    inputs,
    provider,
  });

  /** Runs a stack policy as the CLI's AnalyzeStack does, over resources with the given outputs. */
  async function analyzeStack(policy: ArmaturePolicy, subjects: readonly PolicySubject[]): Promise<{ reported: string[]; advisory: string | undefined }> {
    if (!isStackPolicy(policy)) throw new Error(`${policy.name} is not a stack policy`);
    const args = stackValidationArgs(subjects.map((entry) => ({ subject: entry, props: asPreviewInputs({ ...entry.inputs }) })), <T extends object>() => ({}) as T, "preview");
    const reported: string[] = [];
    try {
      await policy.validateStack(args, (message) => reported.push(message));
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      return { reported, advisory: error.message };
    }
    return { reported, advisory: undefined };
  }
  const byName = (name: string) => allCases.find((cases) => cases.policy.name === name)!.policy;

  it.each(stackCases.map((cases) => [cases.policy.name, cases] as const))("%s: even a violating example gives no violation, only the advisory \"cannot check yet\"", async (_name, cases) => {
    for (const example of cases.violations) {
      const findings = await run(cases.policy, behindUnconfiguredProvider(example));
      expect(findings.filter((finding) => !finding.cannotRun), example.name).toEqual([]);
      expect(findings.map((finding) => finding.message), example.name).toEqual([expect.stringMatching(/^can't run during preview: cannot check yet: .*pulumi up/) as unknown]);
      expect(findings[0]).toMatchObject({ enforcement: "advisory", cannotRun: true });
    }
  });

  it.each([["{}", {}], ["{spec:{}}", { spec: {} }]] as const)("a Deployment shown as %s and an HPA shown as {} are not read as 1 replica and no budget", async (_shape, outputs) => {
    const unconfigured = [subject(DEPLOYMENT, "apps-worker", outputs, UNCONFIGURED_PROVIDER), subject(HPA, "apps-worker", {}, UNCONFIGURED_PROVIDER)];
    for (const name of ["k8s-min-replicas", "k8s-pod-disruption-budget"]) {
      const { reported, advisory } = await analyzeStack(byName(name), unconfigured);
      expect(reported, name).toEqual([]);
      expect(advisory, name).toMatch(/^cannot check yet: 1 resource\(s\) \(apps-worker\) belong to a provider whose configuration is unknown/);
    }
  });

  it("during `pulumi up` (the provider configured) the same empty Deployment is a violation of both", async () => {
    const configured = [subject(DEPLOYMENT, "apps-worker", { spec: {} }, KNOWN_PROVIDER)];
    expect(await analyzeStack(byName("k8s-min-replicas"), configured)).toEqual({ reported: ["apps-worker runs 1 (the default) replica(s); at least 2 are needed."], advisory: undefined });
    expect(await analyzeStack(byName("k8s-pod-disruption-budget"), configured)).toEqual({ reported: ["apps-worker has no PodDisruptionBudget selecting its pods."], advisory: undefined });
  });

  it("keeps the violations of resources that are known, next to the advisory for those that are not", async () => {
    const findings = await run(byName("k8s-min-replicas"), {
      name: "one cluster known, one not",
      subjects: [
        subject(DEPLOYMENT, "known-single", { metadata: { name: "single" }, spec: { replicas: 1 } }, KNOWN_PROVIDER),
        subject(DEPLOYMENT, "pending", { metadata: { name: "pending" }, spec: { replicas: 1 } }, UNCONFIGURED_PROVIDER),
      ],
    });
    expect(findings.map(({ enforcement, cannotRun, message }) => ({ enforcement, cannotRun, message }))).toEqual([
      { enforcement: "mandatory", cannotRun: false, message: "known-single runs 1 replica(s); at least 2 are needed." },
      { enforcement: "advisory", cannotRun: true, message: expect.stringMatching(/^can't run during preview: cannot check yet: 1 resource\(s\) \(pending\)/) as unknown },
    ]);
  });
});
