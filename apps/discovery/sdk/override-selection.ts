/** Which override, if any, applies to a call: a routing-key match first, then the client's environment. */
import type { Override } from "../service-document";

export interface OverrideScope {
  readonly routingKey?: string;
  readonly environment?: string;
}

export function selectOverride(overrides: readonly Override[], scope: OverrideScope, now = Date.now()): Override | undefined {
  const live = overrides.filter((override) => Date.parse(override.expiresAt) > now);
  if (scope.routingKey) {
    const byKey = live.find((override) => override.routingKey === scope.routingKey);
    if (byKey) return byKey;
  }
  if (scope.environment) return live.find((override) => override.environment === scope.environment);
  return undefined;
}
