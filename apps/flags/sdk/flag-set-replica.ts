/**
 * A local copy of the flag set: every flag and segment document at one version. Pushed changes are
 * applied in version order; a change that skips a version is a gap, and the caller loads the whole
 * set instead. Evaluators are compiled per environment and kept until the next change.
 */
import type { FlagChange } from "../change-feed";
import { FlagEvaluator } from "../engine/flag-evaluator";
import type { FlagDocument, FlagSet, SegmentDocument } from "../model/definition";

export type ApplyResult = "applied" | "old" | "gap";

/** Evaluators kept for this many environments at most: the evaluate endpoint takes environment names from requests. */
export const MAX_COMPILED_ENVIRONMENTS = 64;

export class FlagSetReplica {
  private flags = new Map<string, FlagDocument>();
  private segments = new Map<string, SegmentDocument>();
  private current: number | undefined;
  private readonly evaluators = new Map<string, FlagEvaluator>();

  /** Undefined until a set is loaded. */
  get version(): number | undefined {
    return this.current;
  }

  /** Replaces everything: a full set is authoritative, even at a lower version (a restored database). */
  load(set: FlagSet): void {
    this.flags = new Map(set.flags.map((flag) => [flag.key, flag]));
    this.segments = new Map(set.segments.map((segment) => [segment.key, segment]));
    this.current = set.version;
    this.evaluators.clear();
  }

  apply(change: FlagChange): ApplyResult {
    if (this.current === undefined || change.version > this.current + 1) return "gap";
    if (change.version <= this.current) return "old";
    if (change.kind === "flag") {
      if (change.document) this.flags.set(change.key, change.document);
      else this.flags.delete(change.key);
    } else if (change.document) this.segments.set(change.key, change.document);
    else this.segments.delete(change.key);
    this.current = change.version;
    this.evaluators.clear();
    return "applied";
  }

  evaluator(environment: string): FlagEvaluator {
    let evaluator = this.evaluators.get(environment);
    if (!evaluator) {
      if (this.evaluators.size >= MAX_COMPILED_ENVIRONMENTS) this.evaluators.clear();
      evaluator = new FlagEvaluator(environment, this.flags.values(), this.segments.values());
      this.evaluators.set(environment, evaluator);
    }
    return evaluator;
  }

  keys(): string[] {
    return [...this.flags.keys()];
  }

  flag(key: string): FlagDocument | undefined {
    return this.flags.get(key);
  }

  /** The flags a change to this segment affects. */
  flagsUsingSegment(key: string): string[] {
    const uses = (flag: FlagDocument) =>
      Object.values(flag.environments).some((environment) => [...environment.rules, ...environment.optOut].some((matcher) => matcher.segments.includes(key)));
    return [...this.flags.values()].filter(uses).map((flag) => flag.key);
  }

  snapshot(): FlagSet | undefined {
    if (this.current === undefined) return undefined;
    return { version: this.current, flags: [...this.flags.values()], segments: [...this.segments.values()] };
  }
}
