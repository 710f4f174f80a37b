/**
 * The kafka stand-in (for @pulumi/kafka, the Mongey Terraform provider): accepts every resource with
 * its inputs as outputs; no broker is reached. Topics and quotas are identified by name, as upstream.
 * https://registry.terraform.io/providers/Mongey/kafka/latest/docs
 */
import type { Computed, PackageBehaviour, ResourceCall } from "../package-behaviour";
import { text } from "../wire";

export const kafkaBehaviour: PackageBehaviour = {
  name: "kafka",
  compute(call: ResourceCall): Computed {
    if (call.old) return { id: call.old.id, outputs: {} };
    const name = text(call.inputs, "name") ?? text(call.inputs, "entityName");
    return name ? { id: name, outputs: {} } : { outputs: {} };
  },
  // The real ForceNew set is in the Terraform provider's schema, which is not here: never replace.
  replaces: () => [],
  functions: {},
};
