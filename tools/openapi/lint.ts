/**
 * `npm run openapi:lint [-- <document.json>...]`: lints OpenAPI documents (default: docs/api/*.json)
 * with the platform's Spectral ruleset; a product team runs it on its own service's document.
 * Exit 0: no error or warning; 1: findings (one line each); 2: a file cannot be read.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { DOCUMENTS_DIR } from "./documents";
import { describeDiagnostic, isFailure, lintDocument } from "./lint-documents";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args : readdirSync(DOCUMENTS_DIR).filter((name) => name.endsWith(".json")).map((name) => path.join(DOCUMENTS_DIR, name));
  let findings = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      process.stderr.write(`openapi:lint: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); give the path of an OpenAPI JSON document\n`);
      process.exit(2);
    }
    const results = (await lintDocument(text, path.relative(process.cwd(), file))).filter(isFailure);
    for (const result of results) process.stdout.write(`${describeDiagnostic(result)}\n`);
    findings += results.length;
    process.stdout.write(`${path.relative(process.cwd(), file)}: ${results.length === 0 ? "ok" : `${results.length} finding(s)`}\n`);
  }
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi:lint: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
