/**
 * The pulumirpc.ResourceProvider gRPC service in front of a StandInProvider, started the way the
 * engine starts a provider plugin: it listens on a free loopback port and prints that port alone on
 * the first line of stdout (the engine reads it byte by byte up to the newline and then dials it).
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/resource/plugin/plugin.go (newPlugin)
 * https://github.com/pulumi/pulumi/blob/v3.248.0/proto/pulumi/provider.proto
 */
import * as grpc from "@grpc/grpc-js";
import plugin from "@pulumi/pulumi/proto/plugin_pb";
import providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import provider from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { DiffKind, DiffResult, StandInProvider } from "./provider-core";
import type { Properties } from "./wire";

const KINDS: Record<DiffKind, provider.PropertyDiff.Kind> = {
  add: provider.PropertyDiff.Kind.ADD,
  "add-replace": provider.PropertyDiff.Kind.ADD_REPLACE,
  delete: provider.PropertyDiff.Kind.DELETE,
  "delete-replace": provider.PropertyDiff.Kind.DELETE_REPLACE,
  update: provider.PropertyDiff.Kind.UPDATE,
  "update-replace": provider.PropertyDiff.Kind.UPDATE_REPLACE,
};

function properties(struct: Struct | undefined): Properties {
  const value: unknown = struct?.toJavaScript() ?? {};
  return value as Properties;
}

function struct(value: Properties): Struct {
  // JSON round trip: drops undefined, which Struct.fromJavaScript rejects.
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function diffResponse(diff: DiffResult): provider.DiffResponse {
  const response = new provider.DiffResponse();
  response.setChanges(diff.changes === "some" ? provider.DiffResponse.DiffChanges.DIFF_SOME : provider.DiffResponse.DiffChanges.DIFF_NONE);
  response.setDiffsList(diff.diffs);
  response.setReplacesList(diff.replaces);
  response.setDeletebeforereplace(false);
  response.setHasdetaileddiff(true);
  for (const [key, kind] of Object.entries(diff.detailed)) {
    response.getDetaileddiffMap().set(key, new provider.PropertyDiff().setKind(KINDS[kind]).setInputdiff(true));
  }
  return response;
}

/** A unary handler whose errors reach the engine as a gRPC status with a readable message. */
function unary<Request, Response>(what: string, handle: (request: Request) => Response | Promise<Response>): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handle(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          process.stderr.write(`${what} failed: ${message}\n`);
          callback({ code: grpc.status.UNKNOWN, details: message });
        },
      );
  };
}

function unimplemented<Request, Response>(what: string): grpc.handleUnaryCall<Request, Response> {
  return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `the stand-in provider does not implement ${what}` });
}

export function providerService(core: StandInProvider, version: string): providerRpc.IResourceProviderServer {
  const ref = (request: { getType(): string; getUrn(): string }) => ({ type: request.getType() || typeFromUrn(request.getUrn()), urn: request.getUrn() });
  return {
    handshake: unary("Handshake", () =>
      new provider.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true).setAcceptOutputs(false).setSupportsAutonamingConfiguration(false),
    ),
    getPluginInfo: unary("GetPluginInfo", () => new plugin.PluginInfo().setVersion(version)),
    getSchema: unary("GetSchema", () => new provider.GetSchemaResponse().setSchema(JSON.stringify({ name: core.packageName, version }))),
    checkConfig: unary("CheckConfig", (request: provider.CheckRequest) => new provider.CheckResponse().setInputs(struct(core.checkConfig(properties(request.getNews()))))),
    diffConfig: unary("DiffConfig", (request: provider.DiffRequest) => {
      const olds = request.getOldInputs() ? properties(request.getOldInputs()) : properties(request.getOlds());
      return diffResponse(core.diffConfig(olds, properties(request.getNews())));
    }),
    configure: unary("Configure", (request: provider.ConfigureRequest) => {
      core.configure(properties(request.getArgs()));
      return new provider.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true).setAcceptoutputs(false);
    }),
    invoke: unary("Invoke", async (request: provider.InvokeRequest) => new provider.InvokeResponse().setReturn(struct(await core.invoke(request.getTok(), properties(request.getArgs()))))),
    check: unary("Check", (request: provider.CheckRequest) => new provider.CheckResponse().setInputs(struct(core.check(ref(request), properties(request.getNews()))))),
    diff: unary("Diff", (request: provider.DiffRequest) =>
      diffResponse(core.diff(ref(request), properties(request.getOlds()), properties(request.getNews()), request.getOldInputs() ? properties(request.getOldInputs()) : undefined, request.getIgnorechangesList())),
    ),
    create: unary("Create", async (request: provider.CreateRequest) => {
      const created = await core.create(ref(request), properties(request.getProperties()), request.getPreview());
      return new provider.CreateResponse().setId(created.id).setProperties(struct(created.outputs));
    }),
    read: unary("Read", (request: provider.ReadRequest) => {
      const read = core.read(ref(request), request.getId(), properties(request.getProperties()), properties(request.getInputs()));
      return new provider.ReadResponse().setId(read.id).setProperties(struct(read.outputs)).setInputs(struct(read.inputs));
    }),
    update: unary("Update", async (request: provider.UpdateRequest) => {
      const oldInputs = request.getOldInputs() ? properties(request.getOldInputs()) : undefined;
      const outputs = await core.update(ref(request), request.getId(), properties(request.getOlds()), properties(request.getNews()), oldInputs, request.getPreview());
      return new provider.UpdateResponse().setProperties(struct(outputs));
    }),
    delete: unary("Delete", (request: provider.DeleteRequest) => {
      core.delete(ref(request), request.getId(), properties(request.getProperties()));
      return new Empty();
    }),
    cancel: unary("Cancel", () => new Empty()),
    attach: unary("Attach", () => new Empty()),
    getMapping: unary("GetMapping", () => new provider.GetMappingResponse().setProvider("").setData("")),
    getMappings: unary("GetMappings", () => new provider.GetMappingsResponse()),
    parameterize: unimplemented("Parameterize"),
    call: unimplemented("Call"),
    construct: unimplemented("Construct"),
    list: (call) => call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "the stand-in provider does not implement List" }),
  };
}

/** "urn:pulumi:stack::project::parent$type::name" → "type". */
function typeFromUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** Serves the provider on a free loopback port and prints the port, as the engine expects. */
export async function serveProvider(core: StandInProvider, version: string): Promise<grpc.Server> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(providerRpc.ResourceProviderService, providerService(core, version));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  process.stdout.write(`${port}\n`);
  return server;
}
