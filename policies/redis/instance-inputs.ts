/** The Memorystore for Redis instance's inputs as policies read them. */
import type { InstanceArgs } from "@pulumi/gcp/redis/instance";
import type { InputsOf } from "../lib/values";

export type RedisInstanceInputs = InputsOf<InstanceArgs>;
