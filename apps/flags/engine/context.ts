/**
 * The evaluation context: who and what a flag is evaluated for. Attribute names follow Unleash's
 * context (userId, sessionId, remoteAddress, currentTime, appName, environment, properties), plus
 * organisationId for targeting and rollout by organisation.
 */
export type PropertyValue = string | number | boolean | null | undefined;

export interface FlagContext {
  readonly userId?: string;
  readonly organisationId?: string;
  readonly sessionId?: string;
  readonly remoteAddress?: string;
  readonly environment?: string;
  readonly appName?: string;
  /** For DATE_AFTER / DATE_BEFORE; now when absent. */
  readonly currentTime?: string | Date;
  /** Any other attribute, e.g. plan, country, appVersion. */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/** A named attribute as a string: a top-level field first, else a property (as Unleash resolves it). */
export function contextValue(context: FlagContext, name: string): string | undefined {
  const value = (context as Readonly<Record<string, PropertyValue | Date>>)[name] ?? context.properties?.[name];
  return value === undefined || value === null ? undefined : String(value);
}
