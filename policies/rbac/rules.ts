/** The rules of a Role or ClusterRole, and the subjects and role of a (Cluster)RoleBinding. */
import { list, record, text } from "../lib/values";

export interface RuleAt {
  /** "rules[0]", for messages. */
  readonly where: string;
  readonly verbs: readonly string[];
  readonly resources: readonly string[];
  readonly apiGroups: readonly string[];
}

const strings = (value: unknown): string[] => list(value).flatMap((item) => text(item) ?? []);

export function rulesOf(props: unknown): RuleAt[] {
  return list(record(props)?.["rules"]).flatMap((item, index) => {
    const rule = record(item);
    if (!rule) return [];
    return [{ where: `rules[${index}]`, verbs: strings(rule["verbs"]), resources: strings(rule["resources"]), apiGroups: strings(rule["apiGroups"]) }];
  });
}

export interface Subject {
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
}

export function subjectsOf(props: unknown): Subject[] {
  return list(record(props)?.["subjects"]).flatMap((item) => {
    const subject = record(item);
    return subject ? [{ kind: text(subject["kind"]), name: text(subject["name"]), namespace: text(subject["namespace"]) }] : [];
  });
}

export function describeSubject(subject: Subject): string {
  const name = subject.name ?? "(unnamed)";
  return subject.kind === "ServiceAccount" ? `ServiceAccount ${subject.namespace ?? "(no namespace)"}/${name}` : `${subject.kind ?? "subject"} ${name}`;
}
