/** Passing and violating examples of the Artifact Registry policies. */
import { LABELS } from "../fixtures/compliant-parts";
import { ARTIFACT_REGISTRY_REPOSITORY } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { artifactRegistryVulnerabilityScanning } from "./artifact-registry-vulnerability-scanning";

const REPOSITORY = {
  location: "europe-west1",
  repositoryId: "platform",
  format: "DOCKER",
  vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
  labels: { ...LABELS },
};
const repository = (name: string, inputs: object = REPOSITORY, extra: { expect?: RegExp } = {}) => resource(name, { type: ARTIFACT_REGISTRY_REPOSITORY, inputs }, extra);


export const artifactRegistryCases: readonly PolicyCases[] = [
  {
    policy: artifactRegistryVulnerabilityScanning,
    passes: [
      repository("scanning inherited from the project"),
      repository("scanning not set (inherited)", unset(REPOSITORY, "vulnerabilityScanningConfig")),
      repository("a Maven repository is not scanned as images", set(set(REPOSITORY, "format", "MAVEN"), "vulnerabilityScanningConfig", { enablementConfig: "DISABLED" })),
    ],
    violations: [repository("scanning disabled", set(REPOSITORY, "vulnerabilityScanningConfig", { enablementConfig: "DISABLED" }), { expect: /DISABLED: pushed images are never scanned/ })],
  },
];
