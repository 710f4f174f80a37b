/**
 * A loopback TCP proxy in front of a real server, for failure tests: `break()` drops every
 * connection and refuses new ones (the dependency looks down), `restore()` lets them through again.
 */
import { type Server, type Socket, createConnection, createServer } from "node:net";

export interface TcpProxy {
  readonly port: number;
  /** `target` with its host:port replaced by the proxy's. */
  url(target: string): string;
  break(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let broken = false;
  const server: Server = createServer((client) => {
    if (broken) return client.destroy();
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    url(target) {
      const url = new URL(target);
      url.host = `127.0.0.1:${address.port}`;
      return url.toString();
    },
    break() {
      broken = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      broken = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Host and port of a URL such as postgres://u:p@127.0.0.1:5432/db or redis://127.0.0.1:6379. */
export function hostAndPort(url: string): [string, number] {
  const parsed = new URL(url);
  return [parsed.hostname, Number(parsed.port)];
}
