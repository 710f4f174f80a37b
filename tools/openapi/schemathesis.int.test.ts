/**
 * The published documents hold to the running apps: schemathesis (PyPI, installed by
 * schemathesis-install.ts) runs every check (`--checks all`) and every phase, stateful included,
 * against each platform app on real Postgres, Redis and Kafka, as a real caller: a service-account
 * token from a loopback OIDC issuer and an invocation context naming a person, both platform admins
 * in the apps' authorisation rules (so calls reach the handlers). A finding fails the test unless
 * schemathesis-exceptions.json lists it with its reason.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encodeContextHeader } from "../../apps/kit/index";
import { type TestIssuer, startTestIssuer } from "../../apps/kit/testing/test-issuer";
import { DOCUMENT_VERSION, documentFile } from "./documents";
import { HTTP_APPS, type RunningApps, startPlatformApps } from "./platform-apps";
import { type SchemathesisException, classify, loadExceptions } from "./schemathesis-exceptions";
import { ensureSchemathesis } from "./schemathesis-install";
import type { Finding } from "./schemathesis-report";
import { runSchemathesis } from "./schemathesis-run";

const AUDIENCE = "armature-platform";
/** The caller: a workload in the platform namespace, acting for a person, as the operators' CLI calls. */
const WORKLOAD = { namespace: "platform", account: "conformance" };
const PERSON = "conformance@armature.test";
/** Cases per operation and phase: about a minute for the four apps on 2 cores. */
const MAX_EXAMPLES = Number(process.env["ARMATURE_SCHEMATHESIS_MAX_EXAMPLES"] ?? 50);
const SEED = Number(process.env["ARMATURE_SCHEMATHESIS_SEED"] ?? 24);

const describeFinding = (finding: Finding) =>
  `${finding.operation} ${finding.check}: ${finding.status ?? "no response"}${finding.problemCode ? ` ${finding.problemCode}` : ""} (${finding.phase}, case ${finding.caseId}) ${finding.title}: ${finding.message.split("\n")[0]}`;

describe("schemathesis --checks all against every platform app", () => {
  let st: string;
  let issuer: TestIssuer;
  let running: RunningApps;
  let headers: Record<string, string>;
  let exceptions: SchemathesisException[];
  const reportDir = mkdtempSync(path.join(tmpdir(), "armature-schemathesis-"));
  const summary: string[] = [];

  beforeAll(async () => {
    exceptions = loadExceptions();
    st = ensureSchemathesis();
    issuer = await startTestIssuer(AUDIENCE);
    const admins = [`${WORKLOAD.namespace}/${WORKLOAD.account}`, PERSON];
    running = await startPlatformApps({
      postgresUrl: inject("postgresUrl"),
      redisUrl: inject("redisUrl"),
      kafkaBrokers: inject("kafkaBrokers"),
      callerTokenIssuers: issuer.url,
      version: DOCUMENT_VERSION,
      env: { AUTHORISATION_RULES: JSON.stringify({ admins }), CALLER_TOKEN_AUDIENCE: AUDIENCE },
    });
    const token = await issuer.token({ subject: `system:serviceaccount:${WORKLOAD.namespace}:${WORKLOAD.account}`, expiresInSeconds: 3600 });
    const context = encodeContextHeader({ traceId: "", spanId: "", invocationId: "schemathesis", actor: { id: PERSON, type: "user" } });
    // Spelt as schemathesis spells it: its ignored_auth check drops exactly this header to test that the API refuses the call.
    headers = { Authorization: `Bearer ${token}`, "x-armature-context": context };
  });

  afterAll(async () => {
    await running?.stop();
    await issuer?.close();
    if (summary.length > 0) process.stderr.write(`schemathesis summary (max examples ${MAX_EXAMPLES}, seed ${SEED}; reports in ${reportDir}):\n${summary.join("\n")}\n`);
  });

  it("lists each exception once, for an app it runs against", () => {
    const keys = exceptions.map(({ reason: _reason, ...key }) => JSON.stringify(key));
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  for (const app of HTTP_APPS) {
    it(`${app}: every finding is a listed exception, and well-formed calls reach every operation`, async () => {
      const target = running.app(app);
      const result = await runSchemathesis({
        st,
        app,
        document: documentFile(app),
        baseUrl: target.url,
        headers,
        maxExamples: MAX_EXAMPLES,
        seed: SEED,
        reportDir,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const { accepted, unexpected } = classify(app, result.findings, exceptions);
      const phases = Object.entries(result.phases).map(([phase, count]) => `${phase} ${count}`).join(", ");
      summary.push(`  ${app}: ${result.cases} generated cases (scenarios: ${phases}) in ${result.seconds.toFixed(1)} s; ${accepted.length} findings excepted, ${unexpected.length} not`);
      expect(unexpected.map(describeFinding), `reproduce: ${result.command}`).toEqual([]);
      expect(result.errors, "schemathesis could not test part of an operation").toEqual([]);

      // A run where every call is refused (401/403) would pass without testing anything.
      const refused = [401, 403];
      const unreached = Object.entries(result.positiveAnswers)
        .filter(([, answers]) => Object.keys(answers).every((status) => refused.includes(Number(status))))
        .map(([operation, answers]) => `${operation}: ${JSON.stringify(answers)}`);
      expect(unreached).toEqual([]);
      expect(result.cases).toBeGreaterThan(50);
    }, 600_000);
  }
});
