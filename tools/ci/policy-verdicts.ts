/**
 * Policy verdicts in one shape, from either place the pack runs: the offline plan's JSON document
 * (`npm run plan -- <stack> --json`) and the real CLI's engine event log (`pulumi preview --event-log`,
 * one JSON engine event a line, a `policyEvent` per violation: the schema is apitype.PolicyEvent,
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/apitype/events.go). Comparing the two
 * sets shows the plan and the CLI agree on what a program violates.
 */
import type { PlanDocument } from "../plan/plan-document";

export interface PolicyVerdict {
  readonly policy: string;
  readonly enforcement: "mandatory" | "advisory";
  /** The resource's type token, or "(stack)" for a stack policy's verdict. */
  readonly type: string;
  /** The resource's name, or "(stack)". */
  readonly name: string;
}

const STACK = "(stack)";

/**
 * Type and name of a URN, `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`
 * (https://www.pulumi.com/docs/iac/concepts/resources/names/#urns): the stack and project differ
 * between the plan and a CLI run, the type and name do not.
 */
export function typeAndName(urn: string | null | undefined): { type: string; name: string } {
  if (!urn) return { type: STACK, name: STACK };
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0]!.startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${JSON.stringify(urn)}`);
  const qualifiedType = parts[2]!;
  return { type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

export function verdictsFromPlan(document: PlanDocument): PolicyVerdict[] {
  return document.policies.violations.map((violation) => ({ policy: violation.policy, enforcement: violation.enforcement, ...typeAndName(violation.urn) }));
}

interface EventLogLine {
  readonly policyEvent?: { readonly resourceUrn?: string; readonly policyName: string; readonly enforcementLevel: string };
}

/** The engine calls the non-blocking level "advisory" (apitype's comment says "warning"); both mean advisory. */
function enforcementOf(level: string, line: number): PolicyVerdict["enforcement"] {
  if (level === "mandatory") return "mandatory";
  if (level === "advisory" || level === "warning") return "advisory";
  throw new Error(`event log line ${line}: enforcement level ${JSON.stringify(level)} is neither mandatory nor advisory`);
}

export function verdictsFromEventLog(text: string): PolicyVerdict[] {
  const verdicts: PolicyVerdict[] = [];
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    let event: EventLogLine;
    try {
      event = JSON.parse(raw) as EventLogLine;
    } catch {
      throw new Error(`event log line ${index + 1} is not JSON: ${raw.slice(0, 200)}`);
    }
    const policy = event.policyEvent;
    if (!policy) return;
    verdicts.push({ policy: policy.policyName, enforcement: enforcementOf(policy.enforcementLevel, index + 1), ...typeAndName(policy.resourceUrn) });
  });
  return verdicts;
}

/** One line a verdict, sorted, duplicates kept: the form the two sets are compared and printed in. */
export function verdictLines(verdicts: readonly PolicyVerdict[]): string[] {
  return verdicts.map((verdict) => `[${verdict.enforcement}] ${verdict.policy} @ ${verdict.type}::${verdict.name}`).sort();
}
