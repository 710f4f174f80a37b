/**
 * TypeScript steps need a loader (tsx). From the sources (tsx, Vitest) one is already in place; the
 * bundled CLI of the image starts without it, because loading tsx costs seconds at every start and
 * plain SQL migrations need none. It is registered here the first time a TypeScript step is read.
 */

let registered: Promise<void> | undefined;

/** True when this process can already import .ts files. */
function typeScriptLoadable(): boolean {
  // Running from a .ts file means a loader runs us; `node --import tsx` also hooks require's .ts.
  return __filename.endsWith(".ts") || ".ts" in require.extensions;
}

/** Registers tsx's loader (what `node --import tsx` does) unless TypeScript already loads. */
export function ensureTypeScriptLoader(): Promise<void> {
  if (typeScriptLoadable()) return Promise.resolve();
  // tsx's main entry only registers its hooks and declares no types, hence the untyped specifier.
  const tsx: string = "tsx";
  registered ??= import(tsx).then(() => undefined);
  return registered;
}
