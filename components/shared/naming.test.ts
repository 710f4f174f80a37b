import { describe, expect, it } from "vitest";
import { projectUniqueName, serviceAccountId } from "./naming";

describe("project-unique names", () => {
  it("join the prefix (which carries the stack) and the suffix", () => {
    expect(serviceAccountId("armature-dev", "vault")).toBe("armature-dev-vault");
    expect(projectUniqueName("armature-pr-42", "vault", 63)).toBe("armature-pr-42-vault");
  });

  it("shorten long names with a stable hash, within the limit and distinct per stack", () => {
    const a = serviceAccountId("armature-pr-1234567", "worker-nodes");
    const b = serviceAccountId("armature-pr-1234568", "worker-nodes");
    expect(a.length).toBeLessThanOrEqual(30);
    expect(a).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(a).not.toBe(b);
    expect(serviceAccountId("armature-pr-1234567", "worker-nodes")).toBe(a);
  });
});
