/**
 * The published OpenAPI documents: docs/api/<app>.json, exactly as each running app serves
 * /openapi.json (pretty-printed), so product teams generate clients without running the apps.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPOSITORY_ROOT } from "../repository-root";
import type { AppName, RunningApp } from "./platform-apps";

export const DOCUMENTS_DIR = path.join(REPOSITORY_ROOT, "docs", "api");

/** info.version of the published documents: the repository's release (package.json). */
export const DOCUMENT_VERSION = (JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "package.json"), "utf8")) as { version: string }).version;

export function documentFile(name: AppName): string {
  return path.join(DOCUMENTS_DIR, `${name}.json`);
}

/** The app's /openapi.json, fetched over HTTP, as the text the published file holds. */
export async function servedDocument(app: RunningApp): Promise<string> {
  const response = await fetch(`${app.url}/openapi.json`);
  if (!response.ok) throw new Error(`${app.name}: GET /openapi.json answered ${response.status}`);
  return `${JSON.stringify(await response.json(), null, 2)}\n`;
}
