/**
 * Each platform topic's JSON Schema is kept in schemas/<topic>.json: the schema its producers and
 * consumers agreed on last. A change to a topic's zod schema is checked against it both ways
 * (compatibility.ts); `npx tsx apps/kit/events/schema-snapshots.ts` rewrites the snapshots, and
 * refuses (exit 1, one line per problem) when a change is not compatible: make a new topic
 * version (`<domain>.<entity>.v<N+1>`) instead.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type CompatibilityProblem, compatibilityProblems, jsonSchemaOf } from "./compatibility";
import { PLATFORM_TOPICS } from "./platform-topics";
import type { TopicDefinition } from "./topic";

export const SNAPSHOT_DIR = path.join(__dirname, "schemas");

export function snapshotPath(topic: TopicDefinition): string {
  return path.join(SNAPSHOT_DIR, `${topic.name}.json`);
}

export function readSnapshot(topic: TopicDefinition): Record<string, unknown> | undefined {
  const file = snapshotPath(topic);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : undefined;
}

export function snapshotOf(topic: TopicDefinition): Record<string, unknown> {
  return { ...jsonSchemaOf(topic.schema), title: topic.name, description: topic.description };
}

/** How `topic`'s schema breaks its snapshot (none when there is no snapshot yet). */
export function evolutionProblems(topic: TopicDefinition): CompatibilityProblem[] {
  const previous = readSnapshot(topic);
  return previous ? compatibilityProblems(previous, snapshotOf(topic)) : [];
}

function main(): void {
  let refused = 0;
  for (const topic of PLATFORM_TOPICS) {
    const problems = evolutionProblems(topic);
    if (problems.length > 0) {
      refused++;
      for (const problem of problems) process.stderr.write(`${topic.name} ${problem.path}: ${problem.direction} incompatible: ${problem.problem}\n`);
      continue;
    }
    writeFileSync(snapshotPath(topic), `${JSON.stringify(snapshotOf(topic), null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), snapshotPath(topic))}\n`);
  }
  if (refused > 0) {
    process.stderr.write(`${refused} topic(s) changed incompatibly: keep the old topic and add <domain>.<entity>.v<N+1> for the new shape\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
