#!/usr/bin/env node
// Installs node_modules from package-lock.json when they are missing or stale, so that the README's
// commands work straight after a clone. Plain Node with no dependencies: it runs before any exist.
// npm's output goes to stderr, keeping stdout for the command that follows (`plan --json`).
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lockFile = path.join(root, "package-lock.json");
const stamp = path.join(root, "node_modules", ".armature-lock-sha256");

const lockHash = createHash("sha256").update(readFileSync(lockFile)).digest("hex");
const installed = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : "";

if (installed !== lockHash) {
  process.stderr.write("Installing dependencies (npm ci)...\n");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: ["ignore", process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    process.stderr.write(`npm ci failed (exit ${result.status ?? result.signal}); see the output above.\n`);
    process.exit(1);
  }
  writeFileSync(stamp, `${lockHash}\n`);
}
