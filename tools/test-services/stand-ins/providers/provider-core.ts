/**
 * The resource lifecycle every stand-in shares, free of gRPC so it can be tested directly: Check
 * returns the news (plus the package's defaults), Diff compares old and new inputs key by key, Create
 * and Update return the inputs plus the package's computed outputs, Read returns the state as it is
 * (or as the drift file says), Delete succeeds. Secret inputs stay secret in the outputs because the
 * outputs are the inputs as sent, secret wrappers included.
 */
import { randomBytes } from "node:crypto";
import { driftOf } from "./drift";
import { type PackageBehaviour, nameOfUrn } from "./package-behaviour";
import { type Recorder, recorderFor } from "./records";
import { type Properties, containsUnknown, sameWire } from "./wire";

export type DiffKind = "add" | "delete" | "update" | "add-replace" | "delete-replace" | "update-replace";

export interface DiffResult {
  changes: "none" | "some";
  /** Changed top-level keys. */
  diffs: string[];
  /** The changed keys that force a replacement. */
  replaces: string[];
  detailed: Record<string, DiffKind>;
}

export interface ResourceRef {
  type: string;
  urn: string;
}

export class StandInProvider {
  private config: Properties = {};
  private readonly record: Recorder;

  constructor(private readonly behaviour: PackageBehaviour, record?: Recorder) {
    this.record = record ?? recorderFor(behaviour.name);
  }

  get packageName(): string {
    return this.behaviour.name;
  }

  configure(args: Properties): void {
    const problem = this.behaviour.configureProblem?.(args);
    if (problem) throw new Error(problem);
    this.config = args;
  }

  checkConfig(news: Properties): Properties {
    return news;
  }

  diffConfig(olds: Properties, news: Properties): DiffResult {
    return diffProperties(olds, news, () => [], ["version"]);
  }

  check(resource: ResourceRef, news: Properties): Properties {
    return this.behaviour.check?.({ ...resource, name: nameOfUrn(resource.urn), inputs: news, config: this.config }) ?? news;
  }

  diff(resource: ResourceRef, olds: Properties, news: Properties, oldInputs: Properties | undefined, ignoreChanges: readonly string[] = []): DiffResult {
    // Compare inputs with inputs: outputs also hold computed values the program never set.
    const before = oldInputs && Object.keys(oldInputs).length > 0 ? oldInputs : olds;
    return diffProperties(before, news, (changed) => this.behaviour.replaces(resource.type, changed), ignoreChanges);
  }

  async create(resource: ResourceRef, inputs: Properties, preview: boolean): Promise<{ id: string; outputs: Properties }> {
    this.record({ operation: "create", ...resource, preview, inputs });
    // In a preview, computed outputs are left out: the SDK then treats them as unknown.
    if (preview) return { id: "", outputs: inputs };
    const computed = await this.behaviour.compute({ ...resource, name: nameOfUrn(resource.urn), inputs, config: this.config });
    return { id: computed.id ?? `${nameOfUrn(resource.urn)}-${randomBytes(4).toString("hex")}`, outputs: { ...inputs, ...computed.outputs } };
  }

  async update(resource: ResourceRef, id: string, olds: Properties, news: Properties, oldInputs: Properties | undefined, preview: boolean): Promise<Properties> {
    this.record({ operation: "update", ...resource, id, preview, inputs: news });
    const kept = computedOutputs(olds, oldInputs);
    if (preview) return { ...kept, ...news };
    const computed = await this.behaviour.compute({ ...resource, name: nameOfUrn(resource.urn), inputs: news, config: this.config, old: { id, outputs: olds } });
    return { ...kept, ...news, ...computed.outputs };
  }

  read(resource: ResourceRef, id: string, state: Properties, inputs: Properties): { id: string; outputs: Properties; inputs: Properties } {
    const drift = driftOf(resource.urn);
    if (drift.kind === "deleted") return { id: "", outputs: {}, inputs: {} };
    if (drift.kind === "none") return { id, outputs: state, inputs };
    const changedInputs = Object.fromEntries(Object.entries(drift.properties).filter(([key]) => key in inputs));
    return { id, outputs: { ...state, ...drift.properties }, inputs: { ...inputs, ...changedInputs } };
  }

  delete(resource: ResourceRef, id: string, outputs: Properties): void {
    this.record({ operation: "delete", ...resource, id, preview: false, inputs: outputs });
  }

  async invoke(token: string, args: Properties): Promise<Properties> {
    this.record({ operation: "invoke", type: token, preview: false, inputs: args });
    const fn = this.behaviour.functions[token];
    if (!fn) {
      const known = Object.keys(this.behaviour.functions);
      throw new Error(
        `the ${this.behaviour.name} stand-in provider does not implement the function ${token} ` +
          `(it implements ${known.length > 0 ? known.join(", ") : "none"}); add it to tools/test-services/stand-ins/providers/packages/${this.behaviour.name}.ts`,
      );
    }
    return fn(args, this.config);
  }
}

/** The outputs a provider computed: the state's keys that are not inputs. */
function computedOutputs(olds: Properties, oldInputs: Properties | undefined): Properties {
  if (!oldInputs) return {};
  return Object.fromEntries(Object.entries(olds).filter(([key]) => !(key in oldInputs)));
}

export function diffProperties(
  olds: Properties,
  news: Properties,
  replaces: (changed: string[]) => string[],
  ignore: readonly string[] = [],
): DiffResult {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((key) => !ignore.includes(key)).sort();
  const diffs = keys.filter((key) => containsUnknown(news[key]) || !sameWire(olds[key], news[key]));
  const replaced = new Set(replaces(diffs));
  const detailed: Record<string, DiffKind> = {};
  for (const key of diffs) {
    const base: "add" | "delete" | "update" = olds[key] === undefined || olds[key] === null ? "add" : news[key] === undefined || news[key] === null ? "delete" : "update";
    detailed[key] = replaced.has(key) ? `${base}-replace` : base;
  }
  return { changes: diffs.length > 0 ? "some" : "none", diffs, replaces: [...replaced], detailed };
}
