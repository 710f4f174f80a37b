/** The Cloud SQL instance's inputs as policies read them. */
import type { DatabaseInstanceArgs } from "@pulumi/gcp/sql/databaseInstance";
import type { InputsOf } from "../lib/values";

export type SqlInstanceInputs = InputsOf<DatabaseInstanceArgs>;
