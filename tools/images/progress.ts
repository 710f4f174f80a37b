/** Progress lines on stderr, so a long first build shows what it is doing. */
export function log(message: string): void {
  process.stderr.write(`images: ${message}\n`);
}

/** Runs `work` and logs how long it took. */
export async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  log(`${what}...`);
  const result = await work();
  log(`${what}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}
