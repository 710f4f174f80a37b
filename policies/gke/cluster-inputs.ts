/** The GKE cluster's inputs as policies read them. */
import type { ClusterArgs } from "@pulumi/gcp/container/cluster";
import type { InputsOf } from "../lib/values";

export type ClusterInputs = InputsOf<ClusterArgs>;
