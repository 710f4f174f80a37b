/**
 * Reads an Unleash client flag set (the body of Unleash's GET /api/client/features, or the events of
 * its delta API) as Armature flag documents for one environment, keeping every bucket: strategies
 * become rules (flexibleRollout and the gradual rollouts keep their groupId and stickiness),
 * userWithId and remoteAddress become constraints, segments keep their ids as keys. Used to run the
 * Unleash client specification against the SDK, and to migrate flags from Unleash.
 */
import type { Constraint, FlagDocument, Rule, SegmentDocument, Variant } from "../model/definition";

export interface UnleashConstraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface UnleashVariant {
  name: string;
  weight?: number;
  stickiness?: string;
  payload?: { type: string; value: string };
  overrides?: Array<{ contextName: string; values: string[] }>;
}

export interface UnleashStrategy {
  name: string;
  parameters?: Record<string, string | undefined>;
  constraints?: UnleashConstraint[];
  segments?: number[];
  variants?: UnleashVariant[];
}

export interface UnleashFeature {
  name: string;
  description?: string | null;
  enabled: boolean;
  impressionData?: boolean;
  strategies?: UnleashStrategy[];
  variants?: UnleashVariant[] | null;
  dependencies?: Array<{ feature: string; enabled?: boolean; variants?: string[] }> | null;
}

export interface UnleashSegment {
  id: number;
  name?: string | null;
  constraints?: UnleashConstraint[];
}

type UnleashEvent =
  | { type: "hydration"; features: UnleashFeature[]; segments?: UnleashSegment[] }
  | { type: "feature-updated"; feature: UnleashFeature }
  | { type: "feature-removed"; featureName: string }
  | { type: "segment-updated"; segment: UnleashSegment }
  | { type: "segment-removed"; segmentId: number };

/** Either a features response, or a list of delta-API events applied in order. */
export type UnleashState = { features: UnleashFeature[]; segments?: UnleashSegment[] } | { events: UnleashEvent[] };

const IMPORTED_AT = new Date(0).toISOString();

export function importUnleash(state: UnleashState, environment: string): { flags: FlagDocument[]; segments: SegmentDocument[] } {
  const features = new Map<string, UnleashFeature>();
  const segments = new Map<number, UnleashSegment>();
  const events: UnleashEvent[] = "events" in state ? state.events : [{ type: "hydration", features: state.features, segments: state.segments }];
  for (const event of events) {
    if (event.type === "hydration") {
      features.clear();
      segments.clear();
      for (const feature of event.features) features.set(feature.name, feature);
      for (const segment of event.segments ?? []) segments.set(segment.id, segment);
    } else if (event.type === "feature-updated") features.set(event.feature.name, event.feature);
    else if (event.type === "feature-removed") features.delete(event.featureName);
    else if (event.type === "segment-updated") segments.set(event.segment.id, event.segment);
    else segments.delete(event.segmentId);
  }
  return {
    flags: [...features.values()].map((feature) => flagFrom(feature, environment)),
    segments: [...segments.values()].map((segment) => ({
      key: String(segment.id),
      description: segment.name ?? "",
      constraints: (segment.constraints ?? []).map(constraintFrom),
      revision: 1,
      updatedAt: IMPORTED_AT,
      updatedBy: "unleash-import",
    })),
  };
}

function flagFrom(feature: UnleashFeature, environment: string): FlagDocument {
  const strategies = feature.strategies ?? [];
  return {
    key: feature.name,
    description: feature.description ?? "",
    lifecycle: "off-by-default",
    environments: {
      [environment]: {
        enabled: feature.enabled,
        // An enabled Unleash feature with no strategy is on for everyone.
        rules: strategies.length === 0 ? [{ constraints: [], segments: [] }] : strategies.map((strategy) => ruleFrom(strategy, feature.name)),
        optOut: [],
        variants: (feature.variants ?? []).map(variantFrom),
      },
    },
    dependencies: (feature.dependencies ?? []).map((dependency) => ({ flag: dependency.feature, enabled: dependency.enabled, variants: dependency.variants })),
    exposures: feature.impressionData === true,
    lifecycleChangedAt: IMPORTED_AT,
    revision: 1,
    createdAt: IMPORTED_AT,
    updatedAt: IMPORTED_AT,
    updatedBy: "unleash-import",
  };
}

/** Unleash operators pass through as they are: one this SDK does not know never matches. */
function constraintFrom(constraint: UnleashConstraint): Constraint {
  return { ...constraint, operator: constraint.operator as Constraint["operator"] };
}

function variantFrom(variant: UnleashVariant): Variant {
  return {
    name: variant.name,
    weight: variant.weight ?? 0,
    ...(variant.stickiness ? { stickiness: variant.stickiness } : {}),
    ...(variant.payload ? { payload: variant.payload as Variant["payload"] } : {}),
    ...(variant.overrides ? { overrides: variant.overrides } : {}),
  };
}

const list = (text: string | undefined) => (text ? text.split(/\s*,\s*/) : []);

function ruleFrom(strategy: UnleashStrategy, featureName: string): Rule {
  const parameters = strategy.parameters ?? {};
  const rule: Rule = {
    constraints: (strategy.constraints ?? []).map(constraintFrom),
    segments: (strategy.segments ?? []).map(String),
    ...(strategy.variants ? { variants: strategy.variants.map(variantFrom) } : {}),
  };
  const rollout = (percentage: string | undefined, stickiness: string, groupId: string) => ({ ...rule, rollout: { percentage: Number(percentage), stickiness, groupId } });
  switch (strategy.name) {
    case "default":
      return rule;
    case "flexibleRollout":
      return rollout(parameters["rollout"], parameters["stickiness"] || "default", parameters["groupId"] || featureName);
    case "gradualRolloutUserId":
      return rollout(parameters["percentage"], "userId", parameters["groupId"] || "");
    case "gradualRolloutSessionId":
      return rollout(parameters["percentage"], "sessionId", parameters["groupId"] || "");
    case "gradualRolloutRandom":
      return rollout(parameters["percentage"], "random", "");
    case "userWithId":
      return { ...rule, constraints: [...rule.constraints, { contextName: "userId", operator: "IN", values: list(parameters["userIds"]) }] };
    case "remoteAddress":
      return { ...rule, constraints: [...rule.constraints, { contextName: "remoteAddress", operator: "IN_CIDR", values: list(parameters["IPs"]) }] };
    default:
      // A strategy this SDK does not implement never matches (an Unleash client does the same).
      return rollout("0", "default", featureName);
  }
}
