/** Test and benchmark helpers: a flags service on a migrated database, and requests as an operator sends them. */
import type { DestinationStream } from "pino";
import type { KitConfig } from "../../kit/config";
import { createService, type Service } from "../../kit/index";
import { actorHeader } from "../../kit/testing/actor-header";
import { testAuthorisationEnv } from "../../kit/testing/authorisation-rules";
import { type FlagsConfig, flagsConfigSchema } from "../config";
import { setupFlags } from "../flags-service";

export function startFlags(env: Record<string, string>, logDestination?: DestinationStream): Promise<Service<KitConfig & FlagsConfig>> {
  return createService({ name: "flags", config: flagsConfigSchema, setup: setupFlags, env: { HOST: "127.0.0.1", PORT: "0", ...testAuthorisationEnv(), ...env }, logDestination });
}

/** A JSON request to the flags API as `actor`: the status, the parsed body, and the flag-set version a write produced. */
export async function flagsRequest(base: string, method: string, path: string, body?: unknown, actor = "alice"): Promise<{ status: number; body: Record<string, unknown>; version?: number }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...actorHeader(actor) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const version = response.headers.get("x-flag-set-version");
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, ...(version ? { version: Number(version) } : {}) };
}
