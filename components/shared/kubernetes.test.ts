import { describe, expect, it } from "vitest";
import { LABEL_VALUE, imageReference, imageVersion, invalidLabels, isLabelKey, isPinnedImage, toLabelValue } from "./kubernetes";

describe("Kubernetes label rules", () => {
  it("accept keys with a DNS prefix and a name of at most 63 characters", () => {
    expect(isLabelKey("branch.armature.dev/france")).toBe(true);
    expect(isLabelKey("team")).toBe(true);
    expect(isLabelKey(`branch.armature.dev/${"a".repeat(64)}`)).toBe(false);
    expect(isLabelKey("Branch.Armature.dev/x")).toBe(false);
    expect(invalidLabels({ team: "eng-", ok: "fine" })).toEqual(["team=eng-"]);
  });

  it("turn any text into a valid, stable label value", () => {
    expect(toLabelValue("sha256:abc")).toBe("sha256-abc");
    const long = toLabelValue(`v${"1.".repeat(60)}0`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(LABEL_VALUE.test(long)).toBe(true);
    expect(toLabelValue(`v${"1.".repeat(60)}0`)).toBe(long);
    expect(toLabelValue(`v${"1.".repeat(60)}1`)).not.toBe(long);
  });
});

describe("images", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  it("are pinned by a tag other than latest, or by digest", () => {
    expect(isPinnedImage("europe-west1-docker.pkg.dev/p/r/app:1.2.3")).toBe(true);
    expect(isPinnedImage(`europe-west1-docker.pkg.dev/p/r/app@${digest}`)).toBe(true);
    expect(isPinnedImage("localhost:5000/app")).toBe(false);
    expect(isPinnedImage("europe-west1-docker.pkg.dev/p/r/app:latest")).toBe(false);
    expect(isPinnedImage("europe-west1-docker.pkg.dev/p/r/app")).toBe(false);
  });

  it("are referenced as <registry>/<app>:<version> or @digest, whose version reads back", () => {
    expect(imageReference("reg/x", "flags", "2.0.1")).toBe("reg/x/flags:2.0.1");
    expect(imageReference("reg/x", "flags", digest)).toBe(`reg/x/flags@${digest}`);
    expect(imageVersion("reg/x/flags:2.0.1")).toBe("2.0.1");
    expect(imageVersion(`reg/x/flags@${digest}`)).toBe("a".repeat(12));
  });
});
