/**
 * The image registry in the real dev plan: the Artifact Registry repository `armature:apps.registry`
 * names, readable by the clusters' nodes only, checked by the policy pack; none for a registry that
 * is not Artifact Registry; and a release tag pinned by its digest reaching the Deployments as such.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type CapturedPlan, planDevStack } from "../tools/plan/testing";

const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const READER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account";
const DIGEST = `sha256:${"ab12".repeat(16)}`;

let dev: CapturedPlan;
let elsewhere: CapturedPlan;
let pinned: CapturedPlan;

beforeAll(async () => {
  dev = await planDevStack();
  elsewhere = await planDevStack((text) => text.replace(/^(\s*registry:) \S+$/m, "$1 ghcr.io/acme/platform"));
  pinned = await planDevStack((text) => text.replace(/^(\s*discovery:) 1\.4\.2$/m, `$1 1.4.2@${DIGEST}`));
}, 240_000);

describe("the image registry in the dev plan", () => {
  it("is the Docker repository apps.registry names, with immutable tags, scanning and cleanup policies", () => {
    expect(dev.ofType(REPOSITORY)).toHaveLength(1);
    expect(dev.one(REPOSITORY, "images").inputs).toMatchObject({
      project: "armature-dev-4821",
      location: "europe-west1",
      repositoryId: "platform",
      format: "DOCKER",
      dockerConfig: { immutableTags: true },
      vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
      cleanupPolicyDryRun: false,
    });
  });

  it("is readable by the services' and the workers' node service accounts, and by nothing else", () => {
    const nodeAccounts = dev.ofType(SERVICE_ACCOUNT).filter((account) => account.name.endsWith("-nodes")).map((account) => account.inputs["accountId"] as string);
    expect(nodeAccounts.sort()).toEqual(["armature-dev-services-nodes", "armature-dev-workers-nodes"]);
    const grants = dev.ofType(READER).map((grant) => [grant.inputs["role"], grant.inputs["member"]]);
    expect(grants).toHaveLength(2);
    for (const [role, member] of grants) {
      expect(role).toBe("roles/artifactregistry.reader");
      expect(member).toMatch(/^serviceAccount:armature-dev-(services|workers)-nodes@/);
    }
  });

  it("passes the policy pack's Artifact Registry policies", () => {
    expect(dev.document.policies.violations.filter((violation) => violation.policy.startsWith("artifact-registry-"))).toEqual([]);
  });

  it("is not created for a registry outside Artifact Registry", () => {
    expect(elsewhere.ofType(REPOSITORY)).toEqual([]);
    expect(elsewhere.ofType(READER)).toEqual([]);
  });

  it("pins a release tag by its digest when the config gives one", () => {
    const images = pinned.resources
      .filter((resource) => resource.type === "kubernetes:apps/v1:Deployment")
      .flatMap((deployment) => ((deployment.inputs["spec"] as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers).map((container) => container.image));
    expect(images).toContain(`europe-west1-docker.pkg.dev/armature-dev-4821/platform/discovery:1.4.2@${DIGEST}`);
  });
});
