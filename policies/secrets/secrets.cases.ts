/** Passing and violating examples of the plaintext-secret policy. */
import { deployment } from "../fixtures/compliant-parts";
import { DEPLOYMENT } from "../lib/workloads";
import { type PolicyCases, resource, set } from "../testing/examples";
import { secretsNoPlaintext } from "./secrets-no-plaintext";

const ENV = "spec.template.spec.containers.0.env";
const DEPLOY = deployment("acme");
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const PEM = ["-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "-----END PRIVATE KEY-----"].join("\n");

export const secretCases: readonly PolicyCases[] = [
  {
    policy: secretsNoPlaintext,
    passes: [
      resource("a Deployment reading its password from a Secret", {
        type: DEPLOYMENT,
        inputs: set(DEPLOY, ENV, [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }, { name: "LOG_LEVEL", value: "info" }]),
      }),
      resource("a Kubernetes Secret (a secret-bearing input)", { type: "kubernetes:core/v1:Secret", inputs: { metadata: { name: "db" }, stringData: { password: "s3cr3t-value", key: PEM } } }),
      resource("a Secret Manager version", { type: "gcp:secretmanager/secretVersion:SecretVersion", inputs: { secret: "alert-webhook-url-id", secretData: "https://hooks.slack.com/services/T000/B000/XXXX" } }),
      resource("a Cloud SQL user password", { type: "gcp:sql/user:User", inputs: { instance: "main", name: "discovery", password: "generated-password-1" } }),
      resource("references to secrets, not secrets", {
        type: "gcp:secretmanager/secret:Secret",
        inputs: { secretId: "armature-alert-webhook-url", annotations: { password: "$(DB_PASSWORD)", token: "projects/p/secrets/token" } },
      }),
      resource("a password unknown during a preview", { type: CONFIG_MAP, inputs: { data: { DB_PASSWORD: undefined } } }),
    ],
    violations: [
      resource("a password in a container env value", { type: DEPLOYMENT, inputs: set(DEPLOY, ENV, [{ name: "DB_PASSWORD", value: "hunter2-plain" }]) }, {
        expect: /containers\[0\]\.env\[0\]\.value \(DB_PASSWORD\) holds a plaintext value under a credential name/,
      }),
      resource("an API key in a ConfigMap", { type: CONFIG_MAP, inputs: { data: { "stripe-api-key": "sk_live_0123456789abcdef" } } }),
      resource("a private key in an annotation", { type: CONFIG_MAP, inputs: { metadata: { annotations: { note: PEM } } } }, { expect: /holds a PEM private key/ }),
      resource("a database URL with its password", { type: CONFIG_MAP, inputs: { data: { DATABASE_URL: "postgres://app:s3cret@10.30.0.5:5432/app" } } }, { expect: /a URL with a password/ }),
      resource("Helm values with a token", { type: "kubernetes:helm.sh/v3:Release", inputs: { chart: "x", values: { auth: { token: "abcd1234efgh" } } } }),
      resource("a Slack webhook in plain config", { type: "gcp:monitoring/notificationChannel:NotificationChannel", inputs: { type: "slack", labels: { url: "https://hooks.slack.com/services/T000/B000/XXXX" } } }),
    ],
  },
];
