import { beforeAll, describe, expect, it } from "vitest";
import { type MockRuntime, useMockRuntime } from "../shared/mock-runtime";
import { ArtifactRegistry, type ArtifactRegistryArgs, parseRegistryPath } from "./artifact-registry";

let mocks: MockRuntime;
beforeAll(async () => {
  mocks = await useMockRuntime();
});

const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const READER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";

const args = (overrides: Partial<ArtifactRegistryArgs> = {}): ArtifactRegistryArgs => ({
  registry: "europe-west1-docker.pkg.dev/my-project/platform",
  readers: ["nodes@my-project.iam.gserviceaccount.com"],
  labels: { team: "platform" },
  ...overrides,
});

describe("parseRegistryPath", () => {
  it("reads location, project and repository from an Artifact Registry Docker path", () => {
    expect(parseRegistryPath("europe-west1-docker.pkg.dev/armature-dev-4821/platform")).toEqual({ location: "europe-west1", project: "armature-dev-4821", repositoryId: "platform" });
    expect(parseRegistryPath("us-docker.pkg.dev/my-project/images")).toEqual({ location: "us", project: "my-project", repositoryId: "images" });
  });

  it("is undefined for any other registry or a path with more levels", () => {
    expect(parseRegistryPath("ghcr.io/acme/platform")).toBeUndefined();
    expect(parseRegistryPath("gcr.io/my-project")).toBeUndefined();
    expect(parseRegistryPath("europe-west1-docker.pkg.dev/my-project/platform/nested")).toBeUndefined();
  });
});

describe("ArtifactRegistry", () => {
  it("is a Docker repository with immutable tags, scanning on, acting cleanup policies, and readers on the repository only", async () => {
    new ArtifactRegistry("images", args({ readers: ["a@p.iam.gserviceaccount.com", "b@p.iam.gserviceaccount.com"] }));
    await mocks.settle();
    expect(mocks.named(REPOSITORY, "images").inputs).toMatchObject({
      project: "my-project",
      location: "europe-west1",
      repositoryId: "platform",
      format: "DOCKER",
      dockerConfig: { immutableTags: true },
      vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        { id: "keep-recent-versions", action: "KEEP", mostRecentVersions: { keepCount: 20 } },
        { id: "delete-old-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "1209600s" } },
      ],
      labels: { team: "platform" },
    });
    const readers = mocks.ofType(READER).filter((resource) => resource.name.startsWith("images-reader"));
    expect(readers.map((reader) => [String(reader.inputs["role"]), String(reader.inputs["member"])])).toEqual([
      ["roles/artifactregistry.reader", "serviceAccount:a@p.iam.gserviceaccount.com"],
      ["roles/artifactregistry.reader", "serviceAccount:b@p.iam.gserviceaccount.com"],
    ]);
  });

  it("takes the cleanup figures it is given", async () => {
    new ArtifactRegistry("tuned", args({ registry: "us-docker.pkg.dev/other-project/tuned", keepRecentVersions: 5, deleteUntaggedAfterDays: 2 }));
    await mocks.settle();
    expect(mocks.named(REPOSITORY, "tuned").inputs).toMatchObject({
      project: "other-project",
      location: "us",
      cleanupPolicies: [{ mostRecentVersions: { keepCount: 5 } }, { condition: { olderThan: "172800s" } }],
    });
  });

  it("refuses a registry that is not Artifact Registry, no readers, and figures out of range, saying how to fix each", () => {
    expect(() => new ArtifactRegistry("bad", args({ registry: "ghcr.io/acme" }))).toThrow(
      'ArtifactRegistry "bad": Args.registry: "ghcr.io/acme" is not an Artifact Registry Docker path. Fix: use <location>-docker.pkg.dev/<project>/<repository>',
    );
    expect(() => new ArtifactRegistry("bad", args({ readers: [] }))).toThrow(/Args\.readers: is empty: no node could pull the images\. Fix: pass the node service accounts/);
    expect(() => new ArtifactRegistry("bad", args({ keepRecentVersions: 0 }))).toThrow(/Args\.keepRecentVersions: 0 is outside 1-1000/);
    expect(() => new ArtifactRegistry("bad", args({ deleteUntaggedAfterDays: 1.5 }))).toThrow(/Args\.deleteUntaggedAfterDays: 1\.5 is outside 1-3650/);
  });
});
