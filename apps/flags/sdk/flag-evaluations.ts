/**
 * Evaluation as services see it, over a local flag set for one environment: the context is filled
 * from the kit's invocation context (the acting user as userId, impersonation included; the tenant
 * as organisationId; explicit attributes win), a per-invocation toggle `flag:<key>` forces the
 * answer, experiment flags record exposures, and evaluating an always-on flag warns once that its
 * check can be removed from code. Used by the SDK and by the service's evaluate endpoint.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { currentContext } from "../../kit/index";
import { type FlagContext, ResolvedContext } from "../engine/context";
import { type Evaluation, OUTCOMES } from "../engine/evaluation";
import type { CompiledFlag, FlagEvaluator } from "../engine/flag-evaluator";
import type { Exposure } from "../model/exposure";
import type { LifecycleStage } from "../model/lifecycle";
import type { ExposureRecorder } from "./exposure-recorder";
import type { FlagSetReplica } from "./flag-set-replica";

export interface FlagEvaluationDetails extends Evaluation {
  readonly flagKey: string;
  readonly lifecycle?: LifecycleStage;
  /** The flag-set version evaluated. */
  readonly version?: number;
  /** The set may be out of date: the service or Redis is unreachable, or the set came from a bootstrap or cache file. */
  readonly stale: boolean;
  /** A per-invocation toggle decided the answer. */
  readonly forced: boolean;
}

export interface FlagEvaluationsOptions {
  readonly replica: FlagSetReplica;
  readonly environment: string;
  readonly appName?: string;
  readonly honourToggles: boolean;
  readonly recorder?: ExposureRecorder;
  readonly logger: Logger;
}

type ForcedEvaluation = Evaluation & { readonly forced: true };
const FORCED_ON: ForcedEvaluation = { enabled: true, reason: "TARGETING_MATCH", forced: true };
const FORCED_OFF: ForcedEvaluation = { enabled: false, reason: "TARGETING_MATCH", forced: true };
const ALWAYS_ON_WARNING = "flags: this flag is always-on: remove its check from the code, then delete the flag";
const NOT_READY: Evaluation = { enabled: false, reason: "ERROR", errorCode: "PROVIDER_NOT_READY", errorMessage: "no flag set loaded yet: await ready()" };

export class FlagEvaluations {
  private evaluator?: FlagEvaluator;
  private readonly warned = new Set<string>();
  /** Refilled for every evaluation (evaluation is synchronous): resolving a context allocates nothing. */
  private readonly resolved = new ResolvedContext();
  private readonly appName: string | undefined;

  constructor(private readonly options: FlagEvaluationsOptions) {
    this.appName = options.appName || undefined;
  }

  /** Call when the replica changed: the next evaluation compiles the new set. */
  reset(): void {
    this.evaluator = undefined;
  }

  /** `withVariant` false: only enabled and reason are wanted (isEnabled), so no variant is chosen unless an exposure needs it. */
  resolve(key: string, context: FlagContext | undefined, withVariant = true): Evaluation {
    const { replica, environment } = this.options;
    const evaluator = (this.evaluator ??= replica.version === undefined ? undefined : replica.evaluator(environment));
    if (!evaluator) return NOT_READY;
    const flag = evaluator.flag(key);
    if (!flag) return OUTCOMES.notFound;
    const scope = currentContext();
    const toggle = this.options.honourToggles ? scope?.toggles?.[`flag:${key}`] : undefined;
    if (toggle !== undefined) {
      const forced = this.forced(flag, toggle);
      if (forced) return forced;
    }
    const recording = flag.exposures && this.options.recorder !== undefined;
    if (!withVariant && !recording && flag.decision) {
      if (flag.lifecycle === "always-on") this.warnOnce(key, ALWAYS_ON_WARNING);
      return flag.decision; // no attribute can change it: the context need not be resolved
    }
    const actor = scope?.actor;
    const user = actor?.type === "user" ? (actor.onBehalfOf ?? actor.id) : undefined;
    // The caller's attributes win over the invocation's user and tenant, and those over the SDK's environment and appName.
    const full = this.resolved.fill(context, user, scope?.tenant, environment, this.appName);
    const evaluation = withVariant || recording ? flag.evaluate(full) : flag.decide(full);
    if (flag.lifecycle === "always-on") this.warnOnce(key, ALWAYS_ON_WARNING);
    if (recording && evaluation.reason !== "ERROR") this.recordExposure(flag, full, evaluation);
    return evaluation;
  }

  details(key: string, context: FlagContext | undefined, stale: boolean): FlagEvaluationDetails {
    const evaluation = this.resolve(key, context);
    const flag = this.evaluator?.flag(key);
    return Object.assign({ flagKey: key, lifecycle: flag?.lifecycle, version: this.options.replica.version, stale, forced: "forced" in evaluation }, evaluation);
  }

  /** A toggle `flag:<key>`: true/false forces on/off, a string forces that variant; anything else is ignored. */
  private forced(flag: CompiledFlag, toggle: boolean | number | string): ForcedEvaluation | undefined {
    if (toggle === true) return FORCED_ON;
    if (toggle === false) return FORCED_OFF;
    const variant = typeof toggle === "string" ? flag.variantNamed(toggle) : undefined;
    if (variant) return { enabled: true, reason: "TARGETING_MATCH", variant, variantReason: "TARGETING_MATCH", forced: true };
    this.warnOnce(`${flag.key}:${String(toggle)}`, `flags: toggle flag:${flag.key}=${JSON.stringify(toggle)} ignored: use true, false or one of the flag's variant names`);
    return undefined;
  }

  private recordExposure(flag: CompiledFlag, context: ResolvedContext, evaluation: Evaluation): void {
    const { userId, organisationId } = context;
    const sessionId = context.source.sessionId;
    const subject = userId ?? organisationId ?? sessionId;
    if (!subject) return; // an exposure nobody can be joined to is noise
    const scope = currentContext();
    const appName = context.appName ?? this.options.appName;
    this.options.recorder!.record(`${flag.key}\u0000${evaluation.variant?.name ?? String(evaluation.enabled)}\u0000${subject}`, (): Exposure => ({
      id: randomUUID(),
      at: new Date().toISOString(),
      flag: flag.key,
      environment: this.options.environment,
      enabled: evaluation.enabled,
      ...(evaluation.variant ? { variant: evaluation.variant.name } : {}),
      reason: evaluation.reason as Exposure["reason"],
      ...(userId ? { userId } : {}),
      ...(organisationId ? { organisationId } : {}),
      ...(sessionId ? { sessionId } : {}),
      ...(appName ? { appName } : {}),
      flagSetVersion: this.options.replica.version ?? 0,
      ...(scope ? { invocationId: scope.invocationId, traceId: scope.traceId } : {}),
    }));
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.logger.warn({ flag: key }, message);
  }
}
