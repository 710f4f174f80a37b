/**
 * The references each policy cites, so a reviewer can look the rule up at its source. Every item
 * number and title was checked against a public listing of the version named here (see "Sources"
 * in README.md). A default that no benchmark item states cites the vendor's documentation of the
 * feature; a convention that is Armature's own cites docs/architecture.md, where it is explained.
 */
import type { PolicyComplianceFramework } from "@pulumi/policy";

/** CIS GKE Benchmark v1.6.0 (numbering as in Tenable's v1.6.0 audits and kube-bench's cfg/gke-1.6.0). */
export function cisGke(item: string, title: string): PolicyComplianceFramework {
  return { name: "CIS Google Kubernetes Engine (GKE) Benchmark", version: "1.6.0", reference: item, specification: title };
}

/** CIS Google Cloud Platform Foundation Benchmark v3.0.0 (numbering as in its published control lists). */
export function cisGcp(item: string, title: string): PolicyComplianceFramework {
  return { name: "CIS Google Cloud Platform Foundation Benchmark", version: "3.0.0", reference: item, specification: title };
}

/** Fairwinds Polaris check ids (pkg/config/checks); the title is the check's failure message. */
export function polaris(check: string, title: string): PolicyComplianceFramework {
  return { name: "Fairwinds Polaris", version: "9", reference: check, specification: title };
}

/** A page of the Google Cloud documentation (https://cloud.google.com/), by its path there. */
export function googleCloudDocs(path: string, title: string): PolicyComplianceFramework {
  return { name: "Google Cloud documentation", version: "current", reference: `https://cloud.google.com/${path}`, specification: title };
}

/** A section of the Apache Kafka documentation (https://kafka.apache.org/documentation/), by its anchor. */
export function kafkaDocs(anchor: string, title: string): PolicyComplianceFramework {
  return { name: "Apache Kafka documentation", version: "current", reference: `https://kafka.apache.org/documentation/#${anchor}`, specification: title };
}

/** A page of the Pulumi documentation or registry (https://www.pulumi.com/), by its path there. */
export function pulumiDocs(path: string, title: string): PolicyComplianceFramework {
  return { name: "Pulumi documentation", version: "current", reference: `https://www.pulumi.com/${path}`, specification: title };
}

/** A convention that is Armature's own, explained in the repository's docs/architecture.md at `anchor`. */
export function armatureConvention(anchor: string, title: string): PolicyComplianceFramework {
  return { name: "Armature architecture (docs/architecture.md)", version: "1", reference: `docs/architecture.md#${anchor}`, specification: title };
}

/**
 * A control of the Kubernetes Pod Security Standards, by profile and control name, as listed on
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the page of Kubernetes v1.34).
 */
export function pss(profile: "baseline" | "restricted", control: string, title: string): PolicyComplianceFramework {
  return { name: "Kubernetes Pod Security Standards", version: "1.34", reference: `${profile}: ${control}`, specification: title };
}

/** A policy of the Kyverno policy library (https://kyverno.io/policies/), by its name there. */
export function kyverno(policyName: string, title: string): PolicyComplianceFramework {
  return { name: "Kyverno policy library", version: "1.15", reference: policyName, specification: title };
}

/** A page of the Kubernetes documentation (https://kubernetes.io/docs/), by its path there. */
export function kubernetesDocs(path: string, title: string): PolicyComplianceFramework {
  return { name: "Kubernetes documentation", version: "1.34", reference: `https://kubernetes.io/docs/${path}`, specification: title };
}
