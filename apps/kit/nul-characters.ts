/**
 * U+0000 is refused in request bodies: Postgres cannot store it in text or jsonb ("unsupported
 * Unicode escape sequence"), so a body carrying one would fail deep in a handler with a 500. It is
 * answered up front with a 400 that says where it is.
 */
import type { FastifyInstance } from "fastify";
import { sendProblem } from "./http-errors";

/** The path (a.b.0) of the first key or string holding U+0000, or undefined. */
export function nulCharacterPath(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === "string") return value.includes("\0") ? path.join(".") || "(root)" : undefined;
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes("\0")) return [...path, key].join(".");
    const found = nulCharacterPath(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook("preValidation", (request, reply, done) => {
    const path = request.body === undefined ? undefined : nulCharacterPath(request.body);
    if (path === undefined) return done();
    const detail = `the body holds U+0000 (NUL) at ${path}; the platform cannot store it: remove it or escape it in your own encoding`;
    sendProblem(reply, { status: 400, code: "nul_character", detail, issues: [{ in: "body", path, message: "contains U+0000 (NUL)" }] });
  });
}
