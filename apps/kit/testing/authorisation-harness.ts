/**
 * Test helper for authorisation tests: a real OIDC issuer on loopback minting service-account
 * tokens, a rules file the service reads (AUTHORISATION_RULES_FILE) and the tests rewrite, and the
 * denial audit records read back from the service's log.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_CALLER_AUDIENCE } from "../caller-authentication";
import { actorHeader } from "./actor-header";
import type { LogCapture } from "./log-capture";
import { type TestIssuer, startTestIssuer } from "./test-issuer";

/** Two tenants (acme with branches), an admin workload, a cross-tenant grant, a developer range. */
export const TENANT_RULES = {
  admins: ["platform/ops-console"],
  grants: [{ subject: "tenant-globex/deployer", scopes: ["acme"] }],
  overrideTargets: ["10.20.0.0/16"],
  tenants: [{ id: "acme", branches: [{ id: "eu", children: [{ id: "france" }] }] }, { id: "globex", branches: [] }],
};

export interface AuthorisationHarness {
  /** The env for a service under test: verified callers, rules from the file. */
  readonly env: Record<string, string>;
  /** Headers of a call by the Kubernetes service account `<namespace>/<name>`, optionally for a person. */
  as(account: string, onBehalfOf?: string): Promise<Record<string, string>>;
  writeRules(rules: object): void;
  close(): Promise<void>;
}

export async function startAuthorisationHarness(rules: object = TENANT_RULES): Promise<AuthorisationHarness> {
  const issuer: TestIssuer = await startTestIssuer(DEFAULT_CALLER_AUDIENCE);
  const directory = mkdtempSync(path.join(tmpdir(), "authorisation-"));
  const rulesFile = path.join(directory, "rules.json");
  const writeRules = (next: object) => writeFileSync(rulesFile, JSON.stringify(next));
  writeRules(rules);
  return {
    // AUTHORISATION_RULES empty counts as unset: the file is the one source.
    env: { CALLER_TOKEN_ISSUERS: issuer.url, AUTHORISATION_RULES: "", AUTHORISATION_RULES_FILE: rulesFile },
    async as(account, onBehalfOf) {
      const [namespace, name] = account.split("/");
      const token = await issuer.token({ subject: `system:serviceaccount:${namespace}:${name}` });
      return { authorization: `Bearer ${token}`, ...(onBehalfOf ? actorHeader(onBehalfOf) : {}) };
    },
    writeRules,
    async close() {
      await issuer.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface DenialRecord {
  readonly subject: string;
  readonly action: string;
  readonly resource: string;
  readonly reason: string;
}

/** The denial audit records a service logged (apps/kit/authorisation/authorisation-step.ts). */
export function denialsIn(logs: LogCapture): DenialRecord[] {
  return logs
    .lines()
    .map((line) => (line["data"] as { audit?: DenialRecord & { event: string } } | undefined)?.audit)
    .filter((audit): audit is DenialRecord & { event: string } => audit?.event === "authorisation.denied")
    .map(({ subject, action, resource, reason }) => ({ subject, action, resource, reason }));
}
