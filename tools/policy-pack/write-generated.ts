/**
 * `npm run policies:generate`: rewrites the policy pack's generated files, after an SDK upgrade
 * (resource facts) or a change to the enforcement profiles. generated.test.ts fails while they
 * are stale.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { enforcementFiles } from "./enforcement-files";
import { FACTS_FILE, collectResourceFacts, renderFacts } from "./facts";

const files: Record<string, string> = { [FACTS_FILE]: renderFacts(collectResourceFacts()), ...enforcementFiles() };
for (const [file, text] of Object.entries(files)) {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
