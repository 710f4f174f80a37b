/**
 * The caller token a pod presents: Kubernetes writes a projected service-account token to a file and
 * replaces it before it expires, so the file is read again once a minute rather than once at start.
 * A file that cannot be read sends no token (the callee then answers 401, which says what to do).
 */
import { readFileSync } from "node:fs";
import type { Logger } from "pino";

const REREAD_MS = 60_000;

export function callerTokenFromFile(file: string, logger?: Logger): () => string | undefined {
  let token: string | undefined;
  let readAt = -Infinity;
  return () => {
    if (Date.now() - readAt < REREAD_MS) return token;
    readAt = Date.now();
    try {
      token = readFileSync(file, "utf8").trim() || undefined;
    } catch (error) {
      token = undefined;
      logger?.warn({ err: error }, `cannot read the caller token file ${file} (CALLER_TOKEN_FILE); calls go without a token`);
    }
    return token;
  };
}
