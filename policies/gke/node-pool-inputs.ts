/** The GKE node pool's inputs as policies read them. */
import type { NodePoolArgs } from "@pulumi/gcp/container/nodePool";
import type { InputsOf } from "../lib/values";

export type NodePoolInputs = InputsOf<NodePoolArgs>;
