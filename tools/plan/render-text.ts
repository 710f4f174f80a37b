/** The plan as a person reads it: the resource tree, counts per type, violations by severity. */
import type { PlanDocument, PlannedResource, PlanViolation, Severity } from "./plan-document";

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];

export function renderText(document: PlanDocument, origin: string): string {
  return [
    `Armature plan: stack ${document.stack}, project ${document.project}, config from ${origin}`,
    "",
    `Resources (${document.summary.resources})`,
    ...renderTree(document.resources),
    "",
    "By type",
    ...renderCounts(document.summary.byType),
    "",
    ...renderViolations(document.policies.violations),
  ].join("\n");
}

function renderTree(resources: readonly PlannedResource[]): string[] {
  const children = new Map<string | null, PlannedResource[]>();
  const known = new Set(resources.map((resource) => resource.urn));
  for (const resource of resources) {
    const parent = resource.parent && known.has(resource.parent) ? resource.parent : null;
    const siblings = children.get(parent);
    if (siblings) siblings.push(resource);
    else children.set(parent, [resource]);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((resource, index) => {
      const last = index === list.length - 1;
      const branch = parent === null ? "" : last ? "└─ " : "├─ ";
      lines.push(`${indent}${branch}${resource.name}  [${resource.type}]`);
      walk(resource.urn, parent === null ? indent : indent + (last ? "   " : "│  "));
    });
  };
  walk(null, "");
  return lines;
}

function renderCounts(byType: Readonly<Record<string, number>>): string[] {
  const width = Math.max(...Object.values(byType).map((count) => String(count).length), 1);
  return Object.entries(byType).map(([type, count]) => `  ${String(count).padStart(width)}  ${type}`);
}

function renderViolations(violations: readonly PlanViolation[]): string[] {
  if (violations.length === 0) return ["Policies: no violations"];
  const mandatory = violations.filter((violation) => violation.enforcement === "mandatory").length;
  const lines = [`Policies: ${violations.length} violations (${mandatory} mandatory, ${violations.length - mandatory} advisory)`];
  for (const severity of SEVERITY_ORDER) {
    const group = violations.filter((violation) => violation.severity === severity);
    if (group.length === 0) continue;
    lines.push("", `  ${severity.toUpperCase()} (${group.length})`);
    for (const violation of group) {
      lines.push(`    [${violation.enforcement}] ${violation.policy}: ${violation.message}`);
      lines.push(`      resource: ${violation.urn ?? "(stack)"}`);
      if (violation.remediation) lines.push(`      fix: ${violation.remediation}`);
    }
  }
  return lines;
}
