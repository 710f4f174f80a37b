/**
 * Test support for component tests: Pulumi's mock runtime with the same provider outputs the offline
 * plan uses (mock-outputs.ts), recording every resource registered. Call `useMockRuntime()`
 * once per test file (vitest isolates files; Pulumi's runtime state is global).
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockOutputs } from "./mock-outputs";

export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read provider inputs of every shape
  readonly inputs: Record<string, any>;
  /** Provider reference ("<urn>::<id>") when the resource names one explicitly. */
  readonly provider: string | undefined;
}

/** Exported by @pulumi/pulumi at runtime, but marked internal in its typings. */
const runtime = pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> };

export interface MockRuntime {
  /** Every resource registered so far, in order. */
  readonly resources: RegisteredResource[];
  /** Waits until every pending registration has reached the mock monitor. */
  settle(): Promise<void>;
  ofType(type: string): RegisteredResource[];
  /** The one resource of `type` whose name is `name` (throws if absent, so a test fails clearly). */
  named(type: string, name: string): RegisteredResource;
}

export async function useMockRuntime(project = "armature", stack = "test"): Promise<MockRuntime> {
  const resources: RegisteredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, provider: args.provider });
        return { id: `${args.name}-id`, state: { ...(args.inputs as Record<string, unknown>), ...mockOutputs(args) } };
      },
      call: (args) => mockCall(args),
    },
    project,
    stack,
    false,
  );
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  return {
    resources,
    settle: () => runtime.waitForRPCs(),
    ofType,
    named(type, name) {
      const found = ofType(type).find((resource) => resource.name === name);
      if (!found) throw new Error(`no ${type} named ${name}; registered: ${ofType(type).map((r) => r.name).join(", ") || "none"}`);
      return found;
    },
  };
}

/** The resolved value of an Output (undefined when unknown). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** The plain value inside a registered input when it went over the wire as a Pulumi secret, else undefined. */
export function secretInput(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  const wire = value as Record<string, unknown>;
  return wire[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig ? wire["value"] : undefined;
}

/** A custom resource standing in for one a component depends on (e.g. the private services access peering). */
export class StandInResource extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:StandIn", name, {});
  }
}
