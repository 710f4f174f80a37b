/**
 * Fast reads: a cacheable GET route answered straight from the server's request listener, before
 * Fastify, when the request is the plain happy path and the response bytes are already at hand.
 * Fastify's routing, hook pipeline and the AsyncLocalStorage scope cost more than the rest of such a
 * lookup together. Everything observable stays as the route would make it: the same status, headers
 * and body, the server span, the request-duration metric, the invocation id and the authorisation
 * decision. Anything else (a query string, a body, a bad or authenticated context, a denial, a cache
 * miss, debug logging, draining or closing) falls through to the route itself, which answers it.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { Histogram } from "prom-client";
import type { AccessRequest } from "./authorisation/access-request";
import type { AuthorisationSource } from "./authorisation/authorisation-source";
import { type CallerVerifier, withoutAssertedActor } from "./caller-authentication";
import { CONTEXT_HEADER, type WireContext, decodeContextHeader } from "./invocation-context";
import { invocationLevel } from "./logger";
import { INVOCATION_ID_HEADER } from "./plugins/invocation-plugin";
import { endServerSpan, startServerSpan } from "./tracing";

/** A GET route of one trailing parameter ("/v1/services/:name") whose answers can be served from memory. */
export interface FastRead {
  /**
   * The route as registered with Fastify, which answers whatever this does not. It must be the only
   * GET route matching its prefix plus one segment (no static sibling such as /v1/services/search).
   */
  readonly route: string;
  /** Whether the route's params schema accepts `param` (else the route answers, with its 400). */
  accepts(param: string): boolean;
  /** What the route's `config.authorisation` asks for, for this parameter. */
  access(param: string): AccessRequest;
  /** The 200 body when it is at hand now; undefined: the route answers (a miss, a 404). */
  body(param: string): Buffer | undefined;
  readonly contentType: string;
}

export interface FastReadOptions {
  readonly logger: Logger;
  /**
   * Given when spans are recorded (exported). Without it a fast read starts no span: an unrecorded
   * span only carries ids to log lines and downstream calls, and a fast read makes neither.
   */
  readonly tracer?: Tracer;
  readonly verifyCaller?: CallerVerifier;
  /** Undefined when the service runs without the authorisation step (benchmarks only). */
  readonly authorisation?: AuthorisationSource;
  readonly requestDuration: Histogram<"method" | "route" | "status_code">;
  /** True while draining (Fastify's path answers with connection: close) or closing (it answers 503). */
  shedding(): boolean;
}

/** Fastify's router refuses longer parameters (service.ts routerOptions.maxParamLength). */
export const MAX_PARAM_LENGTH = 200;

interface Served {
  readonly read: FastRead;
  readonly prefix: string;
  readonly observe: (seconds: number) => void;
}

export class FastReads {
  private readonly served: Served[] = [];
  /**
   * Each body as a string, when it is UTF-8 that round-trips: Node writes a string body together with
   * the head in one write, a Buffer as a second one (measurably more CPU per request).
   */
  private readonly texts = new WeakMap<Buffer, string | Buffer>();

  constructor(private readonly options: FastReadOptions) {}

  get routes(): readonly string[] {
    return this.served.map((served) => served.read.route);
  }

  add(read: FastRead): void {
    const prefix = read.route.slice(0, read.route.lastIndexOf("/") + 1);
    if (!/^\/[^:]*\/$/.test(prefix) || !/^:[A-Za-z]\w*$/.test(read.route.slice(prefix.length))) {
      throw new Error(`fast read ${read.route}: the route must end in its one parameter, e.g. /v1/services/:name`);
    }
    // One label object for the route's 200s, rather than one per request.
    const child = this.options.requestDuration.labels({ method: "GET", route: read.route, status_code: 200 });
    const observe = (seconds: number) => child.observe(seconds);
    this.served.push({ read, prefix, observe });
  }

  /** Answers `request` when it is a fast read's plain happy path; false: Fastify must answer it. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== "GET" || this.options.shedding()) return false;
    const url = request.url ?? "";
    for (const served of this.served) {
      if (url.startsWith(served.prefix)) return this.serveRead(served, url.slice(served.prefix.length), request, response);
    }
    return false;
  }

  private serveRead(served: Served, param: string, request: IncomingMessage, response: ServerResponse): boolean {
    const started = performance.now();
    const body = this.answerable(served.read, param, request);
    if (!body) return false;
    const { tracer } = this.options;
    // The span, the invocation id header and the metric, as the invocation and metrics plugins make them.
    const span = tracer && startServerSpan(tracer, "GET", served.read.route, request.headers);
    response.writeHead(200, { [INVOCATION_ID_HEADER]: randomUUID(), "content-type": served.read.contentType, "content-length": String(body.length) });
    response.end(this.texts.get(body) ?? this.textOf(body));
    if (span) endServerSpan(span, 200);
    served.observe((performance.now() - started) / 1000);
    return true;
  }

  private textOf(body: Buffer): string | Buffer {
    const text = body.toString("utf8");
    const sent = Buffer.from(text, "utf8").equals(body) ? text : body;
    this.texts.set(body, sent);
    return sent;
  }

  /** The body to answer with, or undefined when anything about the request needs the route. */
  private answerable(read: FastRead, param: string, request: IncomingMessage): Buffer | undefined {
    const { headers } = request;
    if (param.length === 0 || param.length > MAX_PARAM_LENGTH || /[/?%#]/.test(param)) return undefined;
    if (headers["content-length"] !== undefined || headers["transfer-encoding"] !== undefined) return undefined;
    const { logger, verifyCaller, authorisation } = this.options;
    try {
      if (!read.accepts(param)) return undefined;
      let received: WireContext = decodeContextHeader(headers[CONTEXT_HEADER]);
      if (verifyCaller) {
        // A token to verify takes the route's path; without one, an asserted actor is dropped, as there.
        if (headers.authorization !== undefined) return undefined;
        received = withoutAssertedActor(received);
      }
      // The route writes a debug line per request when debug is on (or a toggle lowers the level).
      if (logger.isLevelEnabled("debug") || invocationLevel(received.toggles, logger) !== undefined) return undefined;
      if (authorisation && !authorisation.current().decide(received, [read.access(param)]).allowed) return undefined;
      return read.body(param);
    } catch {
      return undefined; // a bad context header, or anything unexpected: the route answers, as it would anyway
    }
  }
}

/**
 * Puts `reads` in front of Fastify's request listener on `server` (the listener Fastify registered
 * when it made the server, so its own server settings stay as they are).
 */
export function serveFastReadsFirst(server: Server, reads: FastReads): void {
  const listeners = server.listeners("request") as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  if (listeners.length !== 1) throw new Error(`fast reads expected Fastify's one request listener, found ${listeners.length}`);
  const fastify = listeners[0]!;
  server.removeListener("request", fastify);
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    if (!reads.serve(request, response)) fastify(request, response);
  });
}
