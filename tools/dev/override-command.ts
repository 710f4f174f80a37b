/**
 * `npm run dev -- override <service> --target URL ...`: creates a discovery override for a routing
 * key or an environment, as the local admin identity, with an expiry; holds it until SIGINT or
 * SIGTERM (or its expiry) and then removes it. Needs a running `npm run dev` (its state file).
 */
import { readFileSync } from "node:fs";
import type { OverrideCommand } from "./dev-args";
import { readDevState } from "./dev-state";

export class OverrideError extends Error {
  override name = "OverrideError";
}

interface Problem {
  readonly code?: string;
  readonly detail?: string;
  readonly issues?: ReadonlyArray<{ path?: string; message?: string }>;
}

export async function runOverride(command: OverrideCommand, print: (line: string) => void, stopSignal: Promise<string>): Promise<void> {
  const state = readDevState();
  if (!state) throw new OverrideError("no dev environment is running here: start one with `npm run dev` (in another terminal), then run the override again");
  const token = readFileSync(state.developerTokenFile, "utf8").trim();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const base = `${state.discoveryUrl}/v1/services/${encodeURIComponent(command.service)}/overrides`;
  const response = await fetch(base, {
    method: "POST",
    headers,
    body: JSON.stringify({ target: command.target, ttlSeconds: command.ttlSeconds, ...command.scope }),
  }).catch((error: Error) => {
    throw new OverrideError(`discovery at ${state.discoveryUrl} did not answer (${error.message}): is \`npm run dev\` still running?`);
  });
  const body = (await response.json().catch(() => ({}))) as Problem & { id?: string; expiresAt?: string };
  if (response.status !== 201 || !body.id) throw new OverrideError(describeRefusal(command.service, response.status, body));
  const scope = "routingKey" in command.scope ? `requests with routing key ${command.scope.routingKey}` : `clients of environment ${command.scope.environment}`;
  print(`override ${body.id}: ${command.service} → ${command.target} for ${scope}, until ${body.expiresAt}`);
  print("Ctrl-C removes it");
  // The expiry timer also keeps the process alive while it holds the override.
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("expired"), command.ttlSeconds * 1000)));
  const why = await Promise.race([stopSignal, expiry]);
  clearTimeout(timer);
  if (why === "expired") {
    print(`override ${body.id} expired`);
    return;
  }
  const removal = await fetch(`${base}/${body.id}`, { method: "DELETE", headers: { authorization: headers.authorization } }).catch(() => undefined);
  // 404: already gone (the service was deregistered, or discovery was restarted with a fresh registry).
  if (removal && (removal.status === 204 || removal.status === 404)) print(`override ${body.id} removed (${why})`);
  else throw new OverrideError(`could not remove override ${body.id} (discovery answered ${removal?.status ?? "nothing"}); it expires by itself at ${body.expiresAt}`);
}

function describeRefusal(service: string, status: number, problem: Problem): string {
  const issues = (problem.issues ?? []).map((issue) => `\n  ${issue.path ?? ""}: ${issue.message ?? ""}`).join("");
  if (status === 404) return `service ${service} is not registered in discovery: register it first (or check the name with GET /v1/services)`;
  return `discovery refused the override (${status}${problem.code ? ` ${problem.code}` : ""}): ${problem.detail ?? "no detail"}${issues}`;
}
