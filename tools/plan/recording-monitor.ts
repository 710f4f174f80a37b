/**
 * Runs under Pulumi's own mock runtime (`pulumi.runtime.setMocks`) and records every resource the
 * program registers, with its parent and its inputs exactly as they went over the wire.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockOutputs } from "../../components/shared/mock-outputs";

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
  getDependenciesList(): string[];
  getProtect(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (error: unknown, response?: { getUrn(): string }) => void;
interface Monitor {
  registerResource(request: RegisterRequest, callback: Callback): unknown;
}

export interface MockRuntimeOptions {
  readonly project: string;
  readonly stack: string;
  /** Fully qualified config ("armature:network") as Pulumi passes it: JSON text for structured values. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
}

export async function startRecordingMockRuntime(options: MockRuntimeOptions): Promise<RecordedResource[]> {
  pulumi.runtime.setAllConfig({ ...options.config }, [...options.secretKeys]);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: `${args.name}-id`,
        state: { ...(args.inputs as Record<string, unknown>), ...mockOutputs(args) },
      }),
      call: (args) => mockCall(args),
    },
    options.project,
    options.stack,
    /* preview */ true,
  );

  const recorded: RecordedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register: Monitor["registerResource"] = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (!error && response) recorded.push(toRecord(request, response.getUrn()));
      callback(error, response);
    });
  return recorded;
}

function toRecord(request: RegisterRequest, urn: string): RecordedResource {
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    parent: request.getParent() || null,
    custom: request.getCustom(),
    provider: request.getProvider() || null,
    dependencies: request.getDependenciesList(),
    protect: request.getProtect(),
    rawInputs: request.getObject()?.toJavaScript() ?? {},
  };
}
