/**
 * Like upstream's rpcutil.Healthcheck: every 5 minutes ask the engine's gRPC health service whether it
 * is still there, and stop when it is gone (an engine without the health service, Unimplemented, counts
 * as alive), so a host whose CLI died does not linger.
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/util/rpcutil/health.go
 */
import * as grpc from "@grpc/grpc-js";

const INTERVAL_MS = 5 * 60 * 1000;
const identity = (bytes: Buffer): Buffer => bytes;

export function watchEngine(engineAddress: string, onGone: () => void): () => void {
  const client = new grpc.Client(engineAddress, grpc.credentials.createInsecure());
  let timer: NodeJS.Timeout;
  const check = () => {
    // An empty HealthCheckRequest is zero bytes on the wire.
    client.makeUnaryRequest("/grpc.health.v1.Health/Check", identity, identity, Buffer.alloc(0), (error) => {
      if (error && error.code !== grpc.status.UNIMPLEMENTED) {
        client.close();
        onGone();
        return;
      }
      timer = setTimeout(check, INTERVAL_MS);
      timer.unref();
    });
  };
  timer = setTimeout(check, INTERVAL_MS);
  timer.unref();
  return () => {
    clearTimeout(timer);
    client.close();
  };
}
