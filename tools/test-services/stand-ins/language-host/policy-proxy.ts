/**
 * The analyzer that RunPlugin puts in front of a Node.js policy pack, as upstream's sdk.PolicyProxy does:
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/policy_proxy.go
 *
 * The engine learns the stack (project, stack, organization, dry run, config) only through the
 * ConfigureStack RPC, after the plugin has printed its port; @pulumi/policy packs read them from the
 * PULUMI_NODEJS_* variables when they start. So the proxy prints its own port, answers Handshake and
 * ConfigureStack itself, then the pack is started with those variables, and every other call is passed
 * to the pack unchanged (as bytes: nothing is decoded but ConfigureStack).
 */
import * as grpc from "@grpc/grpc-js";
import analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";

type Bytes = Buffer;
type UnaryHandler = grpc.handleUnaryCall<Bytes, Bytes>;

const identity = (bytes: Bytes): Bytes => bytes;
const EMPTY: Bytes = Buffer.alloc(0);
/** Analyze requests carry whole resource graphs; @pulumi/policy allows 400 MiB too. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;
const GRPC_OPTIONS = { "grpc.max_receive_message_length": MAX_MESSAGE_BYTES, "grpc.max_send_message_length": MAX_MESSAGE_BYTES };

const FORWARDED = ["Analyze", "AnalyzeStack", "Remediate", "GetAnalyzerInfo", "GetPluginInfo", "Configure", "Cancel"] as const;

function pathOf(method: string): string {
  return `/pulumirpc.Analyzer/${method}`;
}

function rawServiceDefinition(): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<Bytes, Bytes>> = {};
  for (const method of [...FORWARDED, "Handshake", "ConfigureStack"]) {
    definition[method] = {
      path: pathOf(method),
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    };
  }
  return definition;
}

export interface StackConfiguration {
  organization: string;
  project: string;
  stack: string;
  dryRun: boolean;
  config: Record<string, string>;
}

/** A value set once, by whichever side comes first; later settles are ignored (like a Go promise). */
class Once<T> {
  readonly promise: Promise<T>;
  settled = false;
  private resolveWith!: (value: T) => void;
  private rejectWith!: (error: Error) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveWith = resolve;
      this.rejectWith = reject;
    });
    // Nobody may be waiting yet when it is rejected.
    this.promise.catch(() => undefined);
  }
  resolve(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveWith(value);
  }
  reject(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectWith(error);
  }
}

export class PolicyProxy {
  /** The raw ConfigureStack request, or null when another call came first (then the pack gets no stack). */
  private readonly configuration = new Once<Bytes | null>();
  private readonly client = new Once<grpc.Client>();
  private readonly server = new grpc.Server(GRPC_OPTIONS);
  private packClient: grpc.Client | undefined;

  async start(): Promise<number> {
    const handlers: Record<string, UnaryHandler> = {
      Handshake: (_call, callback) => callback(null, EMPTY),
      ConfigureStack: (call, callback) => {
        this.configuration.resolve(call.request);
        callback(null, EMPTY);
      },
    };
    for (const method of FORWARDED) handlers[method] = (call, callback) => void this.forward(method, call, callback);
    this.server.addService(rawServiceDefinition(), handlers);
    return new Promise((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
  }

  /** Waits for the engine's ConfigureStack (or any other call, which means there is none). */
  async awaitConfiguration(): Promise<StackConfiguration | undefined> {
    const raw = await this.configuration.promise;
    if (raw === null) return undefined;
    const request = analyzerPb.AnalyzerStackConfigureRequest.deserializeBinary(raw);
    return {
      organization: request.getOrganization(),
      project: request.getProject(),
      stack: request.getStack(),
      dryRun: request.getDryRun(),
      config: Object.fromEntries(request.getConfigMap().toArray()),
    };
  }

  /** Connects to the started pack on `port` and hands it the stack configuration the engine sent. */
  async attach(port: number): Promise<void> {
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), GRPC_OPTIONS);
    this.packClient = client;
    const configuration = await this.configuration.promise;
    if (configuration !== null) {
      try {
        await unary(client, "ConfigureStack", configuration);
      } catch (error) {
        // Older packs have no ConfigureStack; that is fine.
        if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) {
          const failure = new Error(`policy pack configuration failed: ${(error as Error).message}`);
          this.client.reject(failure);
          throw failure;
        }
      }
    }
    this.client.resolve(client);
  }

  /** The pack could not be started or attached: calls waiting for it fail with `error`. */
  fail(error: Error): void {
    this.configuration.resolve(null);
    this.client.reject(error);
  }

  close(): void {
    this.server.forceShutdown();
    this.packClient?.close();
  }

  private async forward(method: string, call: grpc.ServerUnaryCall<Bytes, Bytes>, callback: grpc.sendUnaryData<Bytes>): Promise<void> {
    // The engine calls some methods (e.g. for `pulumi policy publish`) without ConfigureStack first.
    this.configuration.resolve(null);
    let client: grpc.Client;
    try {
      client = await this.client.promise;
    } catch (error) {
      callback({ code: grpc.status.UNAVAILABLE, details: `policy pack not started: ${(error as Error).message}` });
      return;
    }
    client.makeUnaryRequest(pathOf(method), identity, identity, call.request, call.metadata, (error, response) =>
      error ? callback(error) : callback(null, response ?? EMPTY),
    );
  }
}

function unary(client: grpc.Client, method: string, request: Bytes): Promise<Bytes> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(pathOf(method), identity, identity, request, (error, response) => (error ? reject(error) : resolve(response ?? EMPTY))),
  );
}
