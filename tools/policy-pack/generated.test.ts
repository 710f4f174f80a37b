/** The policy pack's generated files match what they are generated from. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import facts from "../../policies/generated/resource-facts.json";
import { enforcementFiles } from "./enforcement-files";
import { FACTS_FILE, collectResourceFacts, renderFacts } from "./facts";

const STALE = "is stale: run `npm run policies:generate` and commit the result";

describe("policies/generated/resource-facts.json", () => {
  it(`matches the installed Pulumi SDKs (else it ${STALE})`, () => {
    expect(readFileSync(FACTS_FILE, "utf8"), `${path.basename(FACTS_FILE)} ${STALE}`).toBe(renderFacts(collectResourceFacts()));
  });

  it("knows the label inputs and secret inputs the policies rely on", () => {
    expect(facts.gcpLabelInputs).toMatchObject({
      "gcp:container/cluster:Cluster": "resourceLabels",
      "gcp:redis/instance:Instance": "labels",
      "gcp:secretmanager/secret:Secret": "labels",
      "gcp:kms/cryptoKey:CryptoKey": "labels",
    });
    expect(facts.secretInputs).toMatchObject({
      "gcp:secretmanager/secretVersion:SecretVersion": expect.arrayContaining(["secretData"]) as unknown,
      "gcp:sql/user:User": expect.arrayContaining(["password"]) as unknown,
      "kubernetes:core/v1:Secret": ["data", "stringData"],
    });
    expect(Object.keys(facts.gcpLabelInputs).length).toBeGreaterThan(300);
  });
});

describe("policies/enforcement/*.json", () => {
  it.each(Object.entries(enforcementFiles()).map(([file, text]) => [path.basename(file), file, text] as const))(`%s matches policies/enforcement.ts (else it ${STALE})`, (_name, file, text) => {
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});
