/** Passing and violating examples of the KMS policy. */
import { KMS_CRYPTO_KEY } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { kmsKeyRotation } from "./kms-key-rotation";

const KEY = { keyRing: "projects/p/locations/europe-west1/keyRings/tenants", rotationPeriod: "7776000s", labels: { team: "platform", tenant: "acme", environment: "dev" } };
const key = (name: string, inputs: object = KEY) => resource(name, { type: KMS_CRYPTO_KEY, inputs });

export const kmsCases: readonly PolicyCases[] = [
  {
    policy: kmsKeyRotation,
    passes: [key("rotates every 90 days"), key("rotates every 30 days", set(KEY, "rotationPeriod", "2592000s")), key("an asymmetric signing key", set(unset(KEY, "rotationPeriod"), "purpose", "ASYMMETRIC_SIGN"))],
    violations: [key("never rotates", unset(KEY, "rotationPeriod")), resource("rotates yearly", { type: KMS_CRYPTO_KEY, inputs: set(KEY, "rotationPeriod", "31536000s") }, { expect: /365 days/ })],
  },
];
