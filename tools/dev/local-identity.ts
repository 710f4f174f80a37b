/**
 * The local stand-in for the clusters' service-account issuers: a real OIDC issuer on loopback
 * (the kit's test issuer), so the apps verify callers and authorise them exactly as in the cluster.
 * Each app gets a token file for its service account (platform/<app>, workers/worker), and the
 * developer one for `local/developer`, the only platform admin in the local rules: it may create
 * overrides to any target, as an admin may (apps/kit/README.md, Authorisation).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { type TestIssuer, startTestIssuer } from "../../apps/kit/testing/test-issuer";

export const CALLER_AUDIENCE = "armature-platform";
export const DEVELOPER = "local/developer";
/** Tokens last a day; the kit re-reads the file every minute, so a longer run gets fresh ones. */
const TOKEN_SECONDS = 86_400;
const REFRESH_MS = 12 * 3600 * 1000;

/** The authorisation rules of the local environment: the developer is the admin. */
export const LOCAL_RULES = { admins: [DEVELOPER], platformNamespaces: ["platform", "workers"] };

export interface LocalIdentity {
  readonly issuerUrl: string;
  /** The token file of `namespace/name`, written now and refreshed while the issuer runs. */
  tokenFile(account: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalIdentity(directory: string): Promise<LocalIdentity> {
  const issuer: TestIssuer = await startTestIssuer(CALLER_AUDIENCE);
  const files = new Map<string, string>();
  const write = async (account: string, file: string) => {
    const [namespace, name] = account.split("/");
    const token = await issuer.token({ subject: `system:serviceaccount:${namespace}:${name}`, expiresInSeconds: TOKEN_SECONDS });
    writeFileSync(file, token, { mode: 0o600 });
  };
  const refresh = setInterval(() => {
    for (const [account, file] of files) void write(account, file);
  }, REFRESH_MS);
  refresh.unref();
  return {
    issuerUrl: issuer.url,
    async tokenFile(account) {
      const file = path.join(directory, `${account.replace("/", "-")}.token`);
      await write(account, file);
      files.set(account, file);
      return file;
    },
    async close() {
      clearInterval(refresh);
      await issuer.close();
    },
  };
}
