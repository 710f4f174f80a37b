/** Per-service ACLs: a named principal, named operations; never everyone, never everything. */
import type { AclArgs as ManagedAclArgs } from "@pulumi/gcp/managedkafka/acl";
import type { AclArgs as KafkaAclArgs } from "@pulumi/kafka/acl";
import { type InputsOf, list, record, shownOr, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { KAFKA_ACL, MANAGED_KAFKA_ACL } from "../resource-types";
import { kafkaDocs } from "../sources";

interface Grant {
  readonly principal: string | undefined;
  readonly operation: string | undefined;
  readonly permission: string | undefined;
  readonly where: string;
}

function grantsOf(type: string, props: unknown): Grant[] {
  if (type === MANAGED_KAFKA_ACL) {
    const acl = record(props) as InputsOf<ManagedAclArgs> | undefined;
    return list(acl?.aclEntries).map((entry, index) => ({
      principal: text(entry?.principal),
      operation: text(entry?.operation),
      permission: text(entry?.permissionType) ?? "ALLOW",
      where: `aclEntries[${index}]`,
    }));
  }
  const acl = record(props) as InputsOf<KafkaAclArgs> | undefined;
  return [{ principal: text(acl?.aclPrincipal), operation: text(acl?.aclOperation), permission: text(acl?.aclPermissionType), where: "the ACL" }];
}

export const kafkaAclLeastPrivilege = resourcePolicy({
  name: "kafka-acl-least-privilege",
  description: "Kafka ACLs allow named principals specific operations, never every user or every operation.",
  severity: "high",
  remediationSteps: 'Grant each service its own principal ("User:<service-account-email>") and only the operations it needs (READ, WRITE, DESCRIBE).',
  framework: kafkaDocs("security_authz", "Authorization and ACLs: per-principal operations"),
  tags: ["kafka", "access"],
  appliesTo: [MANAGED_KAFKA_ACL, KAFKA_ACL],
  validate: (props, args, report) => {
    for (const grant of grantsOf(args.type, props)) {
      if ((grant.permission ?? "").toUpperCase() !== "ALLOW") continue;
      if (grant.principal === "User:*" || grant.principal === "*") report(`${grant.where} allows every user (${grant.principal}).`);
      if ((grant.operation ?? "").toUpperCase() === "ALL") report(`${grant.where} allows every operation (ALL) to ${shownOr(grant.principal, "its principal")}.`);
    }
  },
});
