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

type AttributeValue = PropertyValue | Date;
const NO_ATTRIBUTES: FlagContext = {};
const isOwnEnumerable = (object: object, key: string) => Object.prototype.propertyIsEnumerable.call(object, key);

/**
 * A context resolved once per evaluation. The four attributes that may come from elsewhere (the
 * SDK's environment and appName, the invocation's user and tenant) are settled here, the caller's
 * value winning as `Object.assign({}, fallbacks, context)` would; every other attribute is read
 * from the caller's context. The SDK refills one instance per evaluation (evaluation is
 * synchronous), so resolving allocates nothing and compiled flags always see one object shape.
 */
export class ResolvedContext {
  userId: string | undefined = undefined;
  organisationId: string | undefined = undefined;
  environment: string | undefined = undefined;
  appName: string | undefined = undefined;
  /** The caller's context, for every other attribute. */
  source: FlagContext = NO_ATTRIBUTES;

  fill(context: FlagContext | undefined, userId?: string, organisationId?: string, environment?: string, appName?: string): this {
    const source = context ?? NO_ATTRIBUTES;
    this.source = source;
    this.userId = settle(source, "userId", source.userId, userId);
    this.organisationId = settle(source, "organisationId", source.organisationId, organisationId);
    this.environment = settle(source, "environment", source.environment, environment);
    this.appName = settle(source, "appName", source.appName, appName);
    return this;
  }
}

/** The caller's value, else the fallback; a value the caller set to undefined stays undefined (as Object.assign copies it). */
function settle(source: FlagContext, key: string, value: string | undefined, fallback: string | undefined): string | undefined {
  return value !== undefined || fallback === undefined || isOwnEnumerable(source, key) ? value : fallback;
}

export type AttributeReader = (context: ResolvedContext) => AttributeValue;

/**
 * Reads the attribute `name` as Unleash resolves it: a top-level field first, else a property.
 * Chosen once per constraint, so an evaluation does no lookup by name for the resolved fields.
 */
export function attributeReader(name: string): AttributeReader {
  switch (name) {
    case "userId":
      return (context) => context.userId ?? context.source.properties?.["userId"];
    case "organisationId":
      return (context) => context.organisationId ?? context.source.properties?.["organisationId"];
    case "environment":
      return (context) => context.environment ?? context.source.properties?.["environment"];
    case "appName":
      return (context) => context.appName ?? context.source.properties?.["appName"];
    default:
      return (context) => (context.source as Readonly<Record<string, AttributeValue>>)[name] ?? context.source.properties?.[name];
  }
}

/** An attribute's value as a string (undefined when absent), as constraints compare it. */
export function attributeText(value: AttributeValue): string | undefined {
  if (typeof value === "string") return value;
  return value === undefined || value === null ? undefined : String(value);
}

/** Reads the attribute `name` as a string: see attributeReader. */
export function textReader(name: string): (context: ResolvedContext) => string | undefined {
  const read = attributeReader(name);
  return (context) => attributeText(read(context));
}
