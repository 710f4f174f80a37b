/** The small HTML status page: one row per check of the latest probe round. */
import type { HealthDocument } from "../kit/index";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLOURS = { pass: "#1a7f37", warn: "#9a6700", fail: "#cf222e" } as const;

export function renderStatusPage(document: HealthDocument, probedAt: string | undefined): string {
  const rows = Object.entries(document.checks ?? {}).flatMap(([key, results]) =>
    results.map(
      (result) =>
        `<tr><td>${escape(key)}</td><td>${escape(result.componentId ?? "")}</td><td style="color:${COLOURS[result.status]}"><b>${result.status}</b></td>` +
        `<td>${result.observedValue ?? ""} ${escape(result.observedUnit ?? "")}</td><td>${escape(result.output ?? "")}</td><td>${escape(result.time)}</td></tr>`,
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10"><title>Armature status: ${document.status}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>Platform status: <span style="color:${COLOURS[document.status]}">${document.status}</span></h1>
<p>Last probed ${escape(probedAt ?? "never")}. JSON: <a href="/v1/health">/v1/health</a>. Metrics: <a href="/metrics">/metrics</a>.</p>
<table><thead><tr><th>Check</th><th>Component</th><th>Status</th><th>Observed</th><th>Output</th><th>Time</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table></body></html>`;
}
