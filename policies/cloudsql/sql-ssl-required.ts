/** Connections to Cloud SQL are encrypted, whatever the client asks for. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { cisGcp } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

const STRICT_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

export const sqlSslRequired = resourcePolicy<SqlInstanceInputs>({
  name: "sql-ssl-required",
  description: "Cloud SQL instances accept only encrypted connections.",
  severity: "high",
  remediationSteps: 'Set settings.ipConfiguration.sslMode to "ENCRYPTED_ONLY" (or "TRUSTED_CLIENT_CERTIFICATE_REQUIRED").',
  framework: cisGcp("6.4", "Ensure That the Cloud SQL Database Instance Requires All Incoming Connections To Use SSL"),
  tags: ["cloudsql", "encryption"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, _args, report) => {
    const mode = instance.settings?.ipConfiguration?.sslMode;
    if (!STRICT_MODES.includes(mode ?? "")) report(`Unencrypted connections are accepted: settings.ipConfiguration.sslMode is ${shownOr(mode, "not set")}.`);
  },
});
