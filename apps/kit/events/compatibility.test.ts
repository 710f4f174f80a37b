/** Schema evolution: compatible changes pass both ways, breaking ones are refused with the reason. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compatibilityProblems, jsonSchemaOf } from "./compatibility";
import { PLATFORM_TOPICS, discoveryRegistrationTopic } from "./platform-topics";
import { evolutionProblems, readSnapshot, snapshotOf } from "./schema-snapshots";

const union = (...members: Array<z.ZodObject<{ type: z.ZodLiteral<string>; data: z.ZodType }>>) =>
  jsonSchemaOf(z.discriminatedUnion("type", members as [typeof members[0], ...typeof members]));
const registered = (data: z.ZodType) => z.object({ type: z.literal("service.registered"), data });
const base = z.object({ name: z.string(), endpoints: z.array(z.string()) });

describe("compatibility of a topic's schema change", () => {
  it("accepts an optional field added, an optional field removed and a new event type", () => {
    const before = union(registered(base.extend({ note: z.string().optional() })));
    const after = union(registered(base.extend({ zone: z.string().optional() })), z.object({ type: z.literal("service.drained"), data: z.object({ name: z.string() }) }));
    expect(compatibilityProblems(before, after)).toEqual([]);
  });

  it("refuses a new required field: old events lack it (backward)", () => {
    const problems = compatibilityProblems(union(registered(base)), union(registered(base.extend({ zone: z.string() }))));
    expect(problems).toEqual([{ direction: "backward", path: "$|service.registered.data.zone", problem: "required by the reader, not sent by the writer" }]);
  });

  it("refuses a required field removed: old consumers still require it (forward)", () => {
    const problems = compatibilityProblems(union(registered(base)), union(registered(z.object({ name: z.string() }))));
    expect(problems).toEqual([{ direction: "forward", path: "$|service.registered.data.endpoints", problem: "required by the reader, not sent by the writer" }]);
  });

  it("refuses a changed field type, both ways", () => {
    const problems = compatibilityProblems(union(registered(base)), union(registered(base.extend({ endpoints: z.string() }))));
    expect(problems.map((problem) => problem.direction).sort()).toEqual(["backward", "forward"]);
    expect(problems[0]!.path).toBe("$|service.registered.data.endpoints");
  });

  it("refuses an enum value added (old readers reject it) and one removed (old events carry it)", () => {
    const v1 = union(registered(z.object({ status: z.enum(["pass", "fail"]) })));
    const added = compatibilityProblems(v1, union(registered(z.object({ status: z.enum(["pass", "fail", "warn"]) }))));
    expect(added).toEqual([{ direction: "forward", path: "$|service.registered.data.status", problem: 'the reader does not take ["warn"]' }]);
    const removed = compatibilityProblems(v1, union(registered(z.object({ status: z.enum(["pass"]) }))));
    expect(removed).toEqual([{ direction: "backward", path: "$|service.registered.data.status", problem: 'the reader does not take ["fail"]' }]);
  });

  it("refuses removing an event type: events of that type in the journal and topic could not be read", () => {
    const before = union(registered(base), z.object({ type: z.literal("service.drained"), data: z.object({ name: z.string() }) }));
    const problems = compatibilityProblems(before, union(registered(base)));
    expect(problems).toEqual([{ direction: "backward", path: "$|service.drained", problem: "the reader has no member for service.drained" }]);
  });

  it("refuses a tighter constraint (a pattern the old events need not match)", () => {
    const problems = compatibilityProblems(union(registered(base)), union(registered(base.extend({ name: z.string().regex(/^[a-z]+$/) }))));
    expect(problems).toEqual([{ direction: "backward", path: "$|service.registered.data.name", problem: 'the reader requires pattern "^[a-z]+$", the writer does not' }]);
  });

  it("refuses a breaking edit of a real platform topic against its committed snapshot", () => {
    const snapshot = readSnapshot(discoveryRegistrationTopic);
    if (!snapshot) throw new Error("no snapshot: run npx tsx apps/kit/events/schema-snapshots.ts");
    const [first, ...rest] = discoveryRegistrationTopic.schema.options;
    const broken = { ...discoveryRegistrationTopic, schema: z.discriminatedUnion("type", [z.object({ type: z.literal("service.registered"), data: first.shape.data.extend({ zone: z.string() }) }), ...rest.slice(1)]) };
    const problems = compatibilityProblems(snapshot, snapshotOf(broken));
    expect(problems).toContainEqual({ direction: "backward", path: "$|service.registered.data.zone", problem: "required by the reader, not sent by the writer" });
    expect(problems).toContainEqual({ direction: "backward", path: "$|service.updated", problem: "the reader has no member for service.updated" });
  });
});

describe("the platform's topics", () => {
  it.each(PLATFORM_TOPICS.map((topic) => [topic.name, topic] as const))("%s matches its committed schema snapshot (npx tsx apps/kit/events/schema-snapshots.ts)", (_name, topic) => {
    expect(evolutionProblems(topic)).toEqual([]);
    expect(snapshotOf(topic)).toEqual(readSnapshot(topic));
  });
});
