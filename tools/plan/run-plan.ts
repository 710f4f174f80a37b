/**
 * The offline plan: run the real Armature program for one stack under Pulumi's mock runtime (no
 * Pulumi CLI, no credentials), record what it registers, run the analyzers, build the plan document.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import type { AnalyzedResource, PlanAnalyzer } from "./analyzer";
import { defaultAnalyzers } from "./analyzers";
import { UsageError } from "./errors";
import { withLeanRuntime } from "./lean-runtime";
import { type PlanDocument, type PlannedResource, countByType } from "./plan-document";
import { type RecordedResource, startRecordingMockRuntime } from "./recording-monitor";
import { type StackConfigSource, readStackConfig } from "./stack-file";
import { withoutStackTraces } from "./stack-traces";
import { maskedValue, resolvedValue, secretPaths } from "./wire-values";
import { REPOSITORY_ROOT } from "../repository-root";

export const DEFAULT_PROGRAM = path.join(REPOSITORY_ROOT, "stacks/program.ts");

export interface PlanRequest {
  readonly stack: string;
  readonly rootDir?: string;
  /** Plan this config file instead of Pulumi.<stack>.yaml. */
  readonly configFile?: string;
  /** A module exporting `program()`; the Armature program by default. */
  readonly programModule?: string;
  readonly analyzers?: readonly PlanAnalyzer[];
}

export interface PlanResult {
  readonly document: PlanDocument;
  /** Where the config came from ("Pulumi.dev.yaml", or the ephemeral template). */
  readonly origin: string;
}

type Program = () => Promise<Record<string, unknown>> | Record<string, unknown>;

/** Runs once per process: Pulumi's runtime state is global. */
export async function runPlan(request: PlanRequest): Promise<PlanResult> {
  const rootDir = request.rootDir ?? REPOSITORY_ROOT;
  const source = readStackConfig(rootDir, request.stack, request.configFile);
  const program = await loadProgram(request.programModule ?? DEFAULT_PROGRAM);
  return withoutStackTraces(() => withLeanRuntime(() => planProgram(program, source, request.analyzers ?? defaultAnalyzers)));
}

async function planProgram(program: Program, source: StackConfigSource, analyzers: readonly PlanAnalyzer[]): Promise<PlanResult> {
  const recorded = await startRecordingMockRuntime(source);

  await pulumi.runtime.runInPulumiStack(async () => program());
  await pulumi.runtime.disconnect();

  const context = {
    project: source.project,
    stack: source.stack,
    config: source.config,
    resources: recorded.map(toAnalyzed),
  };
  const violations = (await Promise.all(analyzers.map(async (analyzer) => analyzer.analyze(context)))).flat();
  const resources = recorded.map(toPlanned);
  return {
    origin: source.origin,
    document: {
      stack: source.stack,
      project: source.project,
      resources,
      policies: { violations },
      summary: { resources: resources.length, byType: countByType(resources) },
    },
  };
}

async function loadProgram(modulePath: string): Promise<Program> {
  let loaded: { program?: unknown; default?: unknown };
  try {
    loaded = (await import(pathToFileURL(path.resolve(modulePath)).href)) as typeof loaded;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") throw new UsageError(`no program module at ${modulePath}`);
    throw error;
  }
  const program = loaded.program ?? (loaded.default as { program?: unknown } | undefined)?.program ?? loaded.default;
  if (typeof program !== "function") throw new UsageError(`${modulePath} must export a function named program`);
  return program as Program;
}

function toPlanned(resource: RecordedResource): PlannedResource {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    parent: resource.parent,
    inputs: maskedValue(resource.rawInputs) as Record<string, unknown>,
  };
}

function toAnalyzed(resource: RecordedResource): AnalyzedResource {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    parent: resource.parent,
    custom: resource.custom,
    provider: resource.provider,
    dependencies: resource.dependencies,
    protect: resource.protect,
    inputs: resolvedValue(resource.rawInputs) as Record<string, unknown>,
    secretPaths: secretPaths(resource.rawInputs),
  };
}
