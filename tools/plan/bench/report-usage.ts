/**
 * Loaded into a measured plan (`node --import tsx --import report-usage.ts`): at exit, writes this
 * process's peak resident memory and CPU time as JSON to the file named by ARMATURE_PLAN_USAGE_FILE.
 */
import { writeFileSync } from "node:fs";

const file = process.env["ARMATURE_PLAN_USAGE_FILE"];
if (file) {
  process.on("exit", (code) => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ code, maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
