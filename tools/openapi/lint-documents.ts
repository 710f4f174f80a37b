/** Lints an OpenAPI document (JSON text) with the platform's Spectral ruleset (lint-ruleset.ts). */
import { Document, type ISpectralDiagnostic, Spectral } from "@stoplight/spectral-core";
import { Json } from "@stoplight/spectral-parsers";
import { armatureRuleset } from "./lint-ruleset";

/** Spectral's severities: 0 error, 1 warning, 2 information, 3 hint. */
export const SEVERITY_NAMES = ["error", "warning", "information", "hint"] as const;

export async function lintDocument(text: string, source: string): Promise<ISpectralDiagnostic[]> {
  const spectral = new Spectral();
  spectral.setRuleset(armatureRuleset);
  return spectral.run(new Document(text, Json, source));
}

/** Errors and warnings fail a document; information and hints are advice. */
export function isFailure(diagnostic: ISpectralDiagnostic): boolean {
  return Number(diagnostic.severity) <= 1;
}

export function describeDiagnostic(diagnostic: ISpectralDiagnostic): string {
  return `${diagnostic.source ?? ""} ${diagnostic.path.join(".")}: ${SEVERITY_NAMES[diagnostic.severity]} ${diagnostic.code}: ${diagnostic.message}`;
}
