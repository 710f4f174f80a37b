/**
 * An OpenFeature provider over the flags SDK, so services use the standard API:
 *
 *   await OpenFeature.setProviderAndWait(new ArmatureFlagsProvider(new FlagsClient({...})));
 *   const enabled = await OpenFeature.getClient().getBooleanValue("new-checkout", false, { targetingKey: userId });
 *
 * Booleans are the flag's on/off; strings, numbers and objects are the assigned variant's payload
 * (a string flag without payload answers the variant's name). Reasons: STATIC (always-on),
 * TARGETING_MATCH, SPLIT, DEFAULT, DISABLED, STALE (the SDK cannot confirm its set is current) and
 * ERROR, with typed errors: FlagNotFoundError, TypeMismatchError, ParseError, ProviderNotReadyError,
 * InvalidContextError. The provider owns the client: closing OpenFeature closes it.
 */
import {
  type EvaluationContext,
  type EvaluationContextValue,
  type FlagMetadata,
  FlagNotFoundError,
  InvalidContextError,
  type JsonValue,
  OpenFeatureEventEmitter,
  ParseError,
  type Provider,
  ProviderEvents,
  ProviderNotReadyError,
  type ResolutionDetails,
  TypeMismatchError,
} from "@openfeature/server-sdk";
import type { FlagContext, PropertyValue } from "../engine/context";
import type { FlagEvaluationDetails } from "./flag-evaluations";
import type { FlagsClient } from "./flags-client";

const CONTEXT_FIELDS = new Set(["userId", "organisationId", "sessionId", "remoteAddress", "environment", "appName"]);

/** OpenFeature's context as the SDK's: targetingKey is the userId; other attributes become properties. */
export function toFlagContext(context: EvaluationContext): FlagContext {
  const fields: Record<string, string> = {};
  const properties: Record<string, PropertyValue> = {};
  let currentTime: string | Date | undefined;
  for (const [name, value] of Object.entries(context)) {
    if (value === undefined || value === null || name === "targetingKey") continue;
    if (name === "currentTime" && (typeof value === "string" || value instanceof Date)) currentTime = value;
    else if (CONTEXT_FIELDS.has(name)) fields[name] = scalar(name, value) as string;
    else properties[name] = scalar(name, value);
  }
  if (context.targetingKey && fields["userId"] === undefined) fields["userId"] = context.targetingKey;
  return { ...fields, ...(currentTime ? { currentTime } : {}), properties };
}

function scalar(name: string, value: EvaluationContextValue): PropertyValue {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") throw new InvalidContextError(`context attribute ${name} is ${Array.isArray(value) ? "a list" : "an object"}; flags compare strings, numbers, booleans and dates`);
  return value;
}

export class ArmatureFlagsProvider implements Provider {
  readonly metadata = { name: "armature-flags" } as const;
  readonly runsOn = "server" as const;
  readonly events = new OpenFeatureEventEmitter();
  private ready = false;

  constructor(
    private readonly client: FlagsClient,
    private readonly options: { readonly readyTimeoutMs?: number } = {},
  ) {
    client.on("change", (change) => {
      if (!this.ready) this.markReady();
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...change.flags] });
    });
    client.on("stale", (stale) => (stale ? this.events.emit(ProviderEvents.Stale, { message: "the flag set may be out of date: the flags service or Redis is unreachable" }) : this.markReady()));
  }

  async initialize(): Promise<void> {
    await this.client.ready(this.options.readyTimeoutMs);
    this.ready = true;
  }

  onClose(): Promise<void> {
    return this.client.close();
  }

  resolveBooleanEvaluation(flagKey: string, _defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const details = this.evaluate(flagKey, context);
    return Promise.resolve({ value: details.enabled, reason: reasonOf(details, details.reason), ...(details.variant ? { variant: details.variant.name } : {}), flagMetadata: metadataOf(details) });
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    return this.resolveVariant(flagKey, defaultValue, context, "string", (payload, name) => {
      if (!payload) return name;
      if (payload.type === "string" || payload.type === "csv") return payload.value;
      return undefined;
    });
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    return this.resolveVariant(flagKey, defaultValue, context, "number", (payload) => (payload?.type === "number" ? Number(payload.value) : undefined));
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    return this.resolveVariant(flagKey, defaultValue, context, "json", (payload) => {
      if (payload?.type !== "json") return undefined;
      try {
        return JSON.parse(payload.value) as T;
      } catch {
        throw new ParseError(`flag ${flagKey}: the variant's json payload is not valid JSON`);
      }
    });
  }

  private markReady(): void {
    this.ready = true;
    this.events.emit(ProviderEvents.Ready);
  }

  /** The SDK's evaluation; errors become OpenFeature's typed errors (the SDK then answers the default, reason ERROR). */
  private evaluate(flagKey: string, context: EvaluationContext): FlagEvaluationDetails {
    const details = this.client.evaluate(flagKey, toFlagContext(context));
    if (details.reason !== "ERROR") return details;
    const message = details.errorMessage ?? `flag ${flagKey} could not be evaluated`;
    if (details.errorCode === "FLAG_NOT_FOUND") throw new FlagNotFoundError(`no flag ${flagKey} in environment ${this.client.environment}`);
    if (details.errorCode === "PROVIDER_NOT_READY") throw new ProviderNotReadyError(message);
    throw new ParseError(message);
  }

  private resolveVariant<T>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    wanted: string,
    valueOf: (payload: NonNullable<FlagEvaluationDetails["variant"]>["payload"], name: string) => T | undefined,
  ): Promise<ResolutionDetails<T>> {
    const details = this.evaluate(flagKey, context);
    const flagMetadata = metadataOf(details);
    // Off (disabled, opted out, not targeted), or on without variants: the caller's default.
    if (!details.enabled) return Promise.resolve({ value: defaultValue, reason: reasonOf(details, details.reason), flagMetadata });
    if (!details.variant) return Promise.resolve({ value: defaultValue, reason: reasonOf(details, "DEFAULT"), flagMetadata });
    const value = valueOf(details.variant.payload, details.variant.name);
    if (value === undefined) {
      const found = details.variant.payload ? `a ${details.variant.payload.type} payload` : "no payload";
      throw new TypeMismatchError(`flag ${flagKey}: variant ${details.variant.name} has ${found}, not a ${wanted}`);
    }
    return Promise.resolve({ value, variant: details.variant.name, reason: reasonOf(details, details.variantReason ?? "SPLIT"), flagMetadata });
  }
}

/** STALE wins: the answer was computed, but from a set that may be out of date. */
function reasonOf(details: FlagEvaluationDetails, reason: string): string {
  return details.stale ? "STALE" : reason;
}

function metadataOf(details: FlagEvaluationDetails): FlagMetadata {
  return {
    evaluationReason: details.reason,
    stale: details.stale,
    forced: details.forced,
    ...(details.version === undefined ? {} : { flagSetVersion: details.version }),
    ...(details.lifecycle ? { lifecycle: details.lifecycle } : {}),
  };
}
