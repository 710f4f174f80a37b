/**
 * Runs under Pulumi's own mock runtime (`pulumi.runtime.setMocks`) and records every resource the
 * program registers, with its parent and its inputs exactly as they went over the wire.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockOutputs } from "../../components/shared/mock-outputs";
import { asStructValue } from "./struct-value";

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  /** Provider reference "urn::id", when the resource names one explicitly. */
  readonly provider: string | null;
  readonly dependencies: readonly string[];
  readonly protect: boolean;
  /** Serialized inputs, with Pulumi's signature objects for secrets, unknowns and references. */
  readonly rawInputs: Readonly<Record<string, unknown>>;
}

/** The gRPC request fields we read; the real type is generated protobuf code. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getImportid(): string;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
/** The response fields the SDK reads (runtime/resource.js, registerResource). */
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): unknown };
  getPropertydependenciesMap(): undefined;
  getResult(): number;
}
type Callback = (error: unknown, response?: RegisterResponse) => void;
/** Pulumi's MockMonitor (runtime/mocks.js): the parts its registerResource uses. */
interface Monitor {
  readonly resources: Map<string, { urn: string; id: string | null; state: unknown }>;
  newUrn(parent: string, type: string, name: string): string;
  registerResource(request: RegisterRequest, callback: Callback): Promise<void>;
}

export interface MockRuntimeOptions {
  readonly project: string;
  readonly stack: string;
  /** Fully qualified config ("armature:network") as Pulumi passes it: JSON text for structured values. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
}

const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => ({
    id: `${args.name}-id`,
    state: { ...(args.inputs as Record<string, unknown>), ...mockOutputs(args) },
  }),
  call: (args) => mockCall(args),
};

/** Result.SUCCESS of the resource monitor protocol: every output is as known as the mock makes it. */
const SUCCESS = 0;

export async function startRecordingMockRuntime(options: MockRuntimeOptions): Promise<RecordedResource[]> {
  pulumi.runtime.setAllConfig({ ...options.config }, [...options.secretKeys]);
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, /* preview */ true);

  const recorded: RecordedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  monitor.registerResource = async (request, callback) => {
    // MockMonitor.registerResource step for step, with the same awaits, so registrations complete
    // in the same order (the order of the plan). Two differences: the registered inputs are read
    // out of their protobuf message once, for the mock and the record alike, and the answer holds
    // the state as the SDK would read it back from a protobuf message (struct-value.ts) rather
    // than building one for every resource.
    try {
      const inputs = request.getObject()?.toJavaScript() ?? {};
      const result = await mocks.newResource({
        type: request.getType(),
        name: request.getName(),
        inputs: pulumi.runtime.deserializeProperties({ toJavaScript: () => inputs } as never),
        provider: request.getProvider(),
        custom: request.getCustom(),
        id: request.getImportid(),
      });
      const urn = monitor.newUrn(request.getParent(), request.getType(), request.getName());
      // Kept for the SDK's getResource, which puts it into a Struct again: sorted keys change nothing.
      const state = asStructValue(await pulumi.runtime.serializeProperties("", result.state));
      monitor.resources.set(urn, { urn, id: result.id ?? null, state });
      recorded.push(toRecord(request, urn, inputs));
      callback(null, {
        getUrn: () => urn,
        getId: () => result.id || "",
        getObject: () => ({ toJavaScript: () => state }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => SUCCESS,
      });
    } catch (error) {
      callback(error, undefined);
    }
  };
  return recorded;
}

function toRecord(request: RegisterRequest, urn: string, rawInputs: Record<string, unknown>): RecordedResource {
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    parent: request.getParent() || null,
    custom: request.getCustom(),
    provider: request.getProvider() || null,
    dependencies: request.getDependenciesList(),
    protect: request.getProtect(),
    rawInputs,
  };
}
