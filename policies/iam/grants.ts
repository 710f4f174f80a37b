/**
 * Every Google IAM grant resource (ProjectIAMMember, BucketIAMBinding, CryptoKeyIAMPolicy... over
 * 400 types in provider v9) reduced to (role, member) pairs. Types follow one naming rule: the
 * resource name ends in IAMMember/IamMember (member), IAMBinding/IamBinding (members) or
 * IAMPolicy/IamPolicy (policyData, a JSON policy document).
 */
import { list, readKnown, record, text } from "../lib/values";

const IAM_TYPE = /^gcp:[^:]+:\w*(IAM|Iam)(Member|Binding|Policy)$/;
/** Grants made on the project, folder or organization itself, not on one resource. */
const HIERARCHY_TYPE = /^gcp:(projects|folder|organizations)\/iAM(Member|Binding|Policy):IAM(Member|Binding|Policy)$/;

export function isIamGrantType(type: string): boolean {
  return IAM_TYPE.test(type);
}

export function isHierarchyGrantType(type: string): boolean {
  return HIERARCHY_TYPE.test(type);
}

export interface Grant {
  readonly role: string | undefined;
  readonly member: string;
}

/** The known grants; a member that is another resource's output (unknown in a preview) is skipped. */
export function grantsOf(type: string, props: unknown): Grant[] {
  const inputs = record(props);
  const kind = IAM_TYPE.exec(type)?.[2];
  if (kind === "Member") {
    const member = readKnown(inputs, "member");
    return member.known && typeof member.value === "string" ? [{ role: text(inputs?.["role"]), member: member.value }] : [];
  }
  if (kind === "Binding") return knownMembers(inputs, "members").map((member) => ({ role: text(inputs?.["role"]), member }));
  if (kind === "Policy") return policyGrants(inputs);
  return [];
}

function knownMembers(container: unknown, key: string): string[] {
  const read = readKnown(container, key);
  if (!read.known) return [];
  return list(read.value).flatMap((_item, index) => {
    const member = readKnown(read.value, index);
    return member.known && typeof member.value === "string" ? [member.value] : [];
  });
}

function policyGrants(inputs: Readonly<Record<string, unknown>> | undefined): Grant[] {
  const data = readKnown(inputs, "policyData");
  if (!data.known || typeof data.value !== "string") return [];
  let policy: unknown;
  try {
    policy = JSON.parse(data.value);
  } catch {
    return [];
  }
  return list(record(policy)?.["bindings"]).flatMap((binding) =>
    list(record(binding)?.["members"]).flatMap((member) => (typeof member === "string" ? [{ role: text(record(binding)?.["role"]), member }] : [])),
  );
}
