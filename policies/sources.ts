/** The references each policy cites, so a reviewer can look the rule up at its source. */
import type { PolicyComplianceFramework } from "@pulumi/policy";

export function cisGke(item: string, title: string): PolicyComplianceFramework {
  return { name: "CIS Google Kubernetes Engine (GKE) Benchmark", version: "1.6.0", reference: item, specification: title };
}

export function cisGcp(item: string, title: string): PolicyComplianceFramework {
  return { name: "CIS Google Cloud Platform Foundation Benchmark", version: "3.0.0", reference: item, specification: title };
}

export function polaris(check: string, title: string): PolicyComplianceFramework {
  return { name: "Fairwinds Polaris", version: "9", reference: check, specification: title };
}

/** ARCHITECTURE.md section 4, with the module or guide that default was taken from. */
export function architecture(component: string, title: string): PolicyComplianceFramework {
  return { name: "Armature ARCHITECTURE.md section 4", version: "1", reference: component, specification: title };
}
