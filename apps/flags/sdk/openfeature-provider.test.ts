/**
 * The OpenFeature provider through the standard OpenFeature API, over an SDK running on a
 * bootstrap set: every reason, and the typed errors (answered as the default with reason ERROR).
 */
import { ErrorCode, OpenFeature } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../kit/logger";
import { discardLogs } from "../../kit/testing/log-capture";
import type { FlagDocument } from "../model/definition";
import { flagDocument } from "../testing/documents";
import { FlagsClient } from "./flags-client";
import { ArmatureFlagsProvider } from "./openfeature-provider";

const logger = createLogger({ service: "test", version: "0", level: "fatal", format: "json", destination: discardLogs() });
const prod = (environment: Record<string, unknown>) => ({ environments: { prod: { enabled: true, ...environment } } });
const broken = { ...flagDocument("broken"), environments: { prod: { enabled: true, rules: 42 } } } as unknown as FlagDocument;
const flags = [
  flagDocument("staff-only", prod({ rules: [{ constraints: [{ contextName: "userId", operator: "IN", values: ["u-staff"] }] }] })),
  flagDocument("half", prod({ rules: [{ rollout: { percentage: 50, stickiness: "userId" } }] })),
  flagDocument("off-here", { environments: { prod: { enabled: false } } }),
  flagDocument("done", { lifecycle: "always-on" }),
  flagDocument(
    "layout",
    prod({
      rules: [{}],
      variants: [
        { name: "compact", weight: 500, payload: { type: "json", value: '{"columns":1}' } },
        { name: "wide", weight: 500, payload: { type: "json", value: '{"columns":3}' }, overrides: [{ contextName: "userId", values: ["u-wide"] }] },
      ],
    }),
  ),
  flagDocument("limit", prod({ rules: [{}], variants: [{ name: "ten", weight: 1000, payload: { type: "number", value: "10" } }] })),
  flagDocument("theme", prod({ rules: [{}], variants: [{ name: "dark", weight: 1000 }] })),
  broken,
];

describe("ArmatureFlagsProvider", () => {
  const domain = "flags-provider-test";
  beforeAll(async () => {
    await OpenFeature.setProviderAndWait(domain, new ArmatureFlagsProvider(new FlagsClient({ environment: "prod", bootstrap: { version: 3, flags, segments: [] }, exposures: false, logger })));
  });
  afterAll(() => OpenFeature.clearProviders());

  it("answers booleans with TARGETING_MATCH, SPLIT, DEFAULT, DISABLED and STATIC", async () => {
    const client = OpenFeature.getClient(domain);
    const details = (key: string, targetingKey?: string) => client.getBooleanDetails(key, false, targetingKey ? { targetingKey } : {});
    expect(await details("staff-only", "u-staff")).toMatchObject({ value: true, reason: "TARGETING_MATCH", flagMetadata: { flagSetVersion: 3, stale: false, forced: false, lifecycle: "off-by-default" } });
    expect(await details("staff-only", "u-other")).toMatchObject({ value: false, reason: "DEFAULT" });
    const users = Array.from({ length: 50 }, (_, index) => `u-${index}`);
    const answers = await Promise.all(users.map((user) => details("half", user)));
    expect(new Set(answers.filter((answer) => answer.value).map((answer) => answer.reason))).toEqual(new Set(["SPLIT"]));
    expect(await details("off-here")).toMatchObject({ value: false, reason: "DISABLED" });
    expect(await details("done")).toMatchObject({ value: true, reason: "STATIC", flagMetadata: { lifecycle: "always-on" } });
  });

  it("answers variants' payloads as strings, numbers and objects, with SPLIT or TARGETING_MATCH", async () => {
    const client = OpenFeature.getClient(domain);
    expect(await client.getObjectDetails("layout", {}, { targetingKey: "u-wide" })).toMatchObject({ value: { columns: 3 }, variant: "wide", reason: "TARGETING_MATCH" });
    expect(await client.getObjectDetails("layout", {}, { targetingKey: "u-1" })).toMatchObject({ value: { columns: expect.any(Number) }, reason: "SPLIT" });
    expect(await client.getNumberDetails("limit", 1, { targetingKey: "u-1" })).toMatchObject({ value: 10, variant: "ten", reason: "SPLIT" });
    expect(await client.getStringDetails("theme", "light", { targetingKey: "u-1" })).toMatchObject({ value: "dark", variant: "dark" });
    expect(await client.getStringDetails("staff-only", "control", { targetingKey: "u-staff" })).toMatchObject({ value: "control", reason: "DEFAULT" }); // on, but no variants
    expect(await client.getStringDetails("off-here", "control", { targetingKey: "u-1" })).toMatchObject({ value: "control", reason: "DISABLED" });
  });

  it("turns problems into typed errors: the default comes back with reason ERROR and the error code", async () => {
    const client = OpenFeature.getClient(domain);
    expect(await client.getBooleanDetails("missing", true)).toMatchObject({ value: true, reason: "ERROR", errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(await client.getNumberDetails("theme", 7, { targetingKey: "u-1" })).toMatchObject({ value: 7, reason: "ERROR", errorCode: ErrorCode.TYPE_MISMATCH, errorMessage: expect.stringContaining("variant dark has no payload, not a number") });
    expect(await client.getBooleanDetails("broken", false)).toMatchObject({ reason: "ERROR", errorCode: ErrorCode.PARSE_ERROR });
    expect(await client.getBooleanDetails("staff-only", false, { targetingKey: "u-staff", address: { city: "Oslo" } })).toMatchObject({ reason: "ERROR", errorCode: ErrorCode.INVALID_CONTEXT });
  });

  it("says STALE when the SDK cannot confirm its set, and PROVIDER_NOT_READY before it has one", async () => {
    const unreachable = "http://127.0.0.1:9"; // nothing listens on the discard port
    await OpenFeature.setProviderAndWait("stale", new ArmatureFlagsProvider(new FlagsClient({ url: unreachable, environment: "prod", bootstrap: { version: 3, flags, segments: [] }, exposures: false, logger, retryMs: 60_000 })));
    expect(await OpenFeature.getClient("stale").getBooleanDetails("staff-only", false, { targetingKey: "u-staff" })).toMatchObject({ value: true, reason: "STALE", flagMetadata: { evaluationReason: "TARGETING_MATCH", stale: true } });

    const empty = new ArmatureFlagsProvider(new FlagsClient({ url: unreachable, environment: "prod", exposures: false, logger, retryMs: 60_000 }), { readyTimeoutMs: 50 });
    await expect(OpenFeature.setProviderAndWait("empty", empty)).rejects.toThrow(/no flag set within 50 ms/);
    expect(await OpenFeature.getClient("empty").getBooleanDetails("staff-only", true)).toMatchObject({ value: true, reason: "ERROR", errorCode: ErrorCode.PROVIDER_NOT_READY });
  });
});
