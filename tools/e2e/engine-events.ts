/**
 * The engine's own record of an update: `pulumi up --json` streams its engine events to stdout, one
 * JSON object after another, in the order the engine emitted them (apitype.EngineEvent in the Pulumi
 * repository: https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/apitype/events.go). A step's
 * `resourcePreEvent` is sent when the engine starts it and its `resOutputsEvent` when it finished,
 * so "A finished before B started" is read from the log, not from clocks.
 */
import { nameOf } from "./state";

interface StepMetadata {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
}

interface EngineEvent {
  readonly sequence: number;
  readonly diagnosticEvent?: { readonly urn?: string; readonly message: string; readonly severity: string };
  readonly resourcePreEvent?: { readonly metadata: StepMetadata; readonly planning?: boolean };
  readonly resOutputsEvent?: { readonly metadata: StepMetadata; readonly planning?: boolean };
}

export interface EngineStep {
  readonly op: string;
  readonly type: string;
  readonly name: string;
  /** Position in the log where the engine started the step. */
  readonly started: number;
  /** Position where it finished (Infinity if the log never says). */
  readonly finished: number;
}

/** Every step the engine took (not the preview's planning events), except those that changed nothing. */
export function readEngineSteps(jsonOutput: string): EngineStep[] {
  const events = jsonValues(jsonOutput)
    .filter((value): value is EngineEvent => typeof value === "object" && value !== null && typeof (value as EngineEvent).sequence === "number")
    .sort((a, b) => a.sequence - b.sequence);
  const steps = new Map<string, { op: string; type: string; urn: string; started: number; finished: number }>();
  const key = (metadata: StepMetadata) => `${metadata.op} ${metadata.urn}`;
  events.forEach((event, position) => {
    const pre = event.resourcePreEvent;
    if (pre && !pre.planning && pre.metadata.op !== "same") {
      steps.set(key(pre.metadata), { op: pre.metadata.op, type: pre.metadata.type, urn: pre.metadata.urn, started: position, finished: Infinity });
    }
    const done = event.resOutputsEvent;
    const step = done && !done.planning ? steps.get(key(done.metadata)) : undefined;
    if (step) step.finished = position;
  });
  return [...steps.values()].map(({ urn, ...step }) => ({ ...step, name: nameOf(urn) }));
}

/** The engine's error messages (what a failed update says went wrong), each with the resource it names. */
export function engineErrors(jsonOutput: string): string[] {
  return (jsonValues(jsonOutput) as EngineEvent[])
    .flatMap((event) => (event.diagnosticEvent?.severity === "error" ? [`${event.diagnosticEvent.urn ? `${nameOf(event.diagnosticEvent.urn)}: ` : ""}${event.diagnosticEvent.message.trim()}`] : []));
}

/** The one step of `type` named `name` (throws naming what the engine did, so a test fails clearly). */
export function stepOf(steps: readonly EngineStep[], type: string, name: string): EngineStep {
  const found = steps.filter((step) => step.type === type && step.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one engine step for ${type} ${name}, found ${found.length}; the update's steps: ${steps.map((step) => `${step.op} ${step.name}`).join(", ")}`);
  }
  return found[0]!;
}

/** The JSON objects of a stream that writes one after another (one a line, or indented over several). */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{") {
      if (depth++ === 0) start = index;
    } else if (char === "}" && depth > 0 && --depth === 0) {
      values.push(JSON.parse(text.slice(start, index + 1)));
    }
  }
  return values;
}
