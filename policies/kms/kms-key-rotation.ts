/** Symmetric keys rotate at least every 90 days, limiting what one leaked key version exposes. */
import type { CryptoKeyArgs } from "@pulumi/gcp/kms/cryptoKey";
import { type InputsOf, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { KMS_CRYPTO_KEY } from "../resource-types";
import { cisGcp } from "../sources";

const NINETY_DAYS_SECONDS = 90 * 24 * 60 * 60;

export const kmsKeyRotation = resourcePolicy<InputsOf<CryptoKeyArgs>>({
  name: "kms-key-rotation",
  description: "Cloud KMS symmetric keys rotate automatically at least every 90 days.",
  severity: "medium",
  remediationSteps: 'Set rotationPeriod to "7776000s" (90 days) or less.',
  framework: cisGcp("1.10", "Ensure KMS Encryption Keys Are Rotated Within a Period of 90 Days"),
  tags: ["kms", "encryption"],
  appliesTo: [KMS_CRYPTO_KEY],
  validate: (key, args, report) => {
    const purpose = text(key.purpose) ?? "ENCRYPT_DECRYPT";
    if (purpose !== "ENCRYPT_DECRYPT") args.notApplicable("only symmetric keys rotate automatically");
    const period = text(key.rotationPeriod);
    const seconds = period && /^\d+(\.\d+)?s$/.test(period) ? Number.parseFloat(period) : undefined;
    if (seconds === undefined) report("The key never rotates: rotationPeriod is not set.");
    else if (seconds > NINETY_DAYS_SECONDS) report(`The key rotates every ${Math.round(seconds / 86400)} days, more than 90.`);
  },
});
