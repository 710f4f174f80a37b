/**
 * Polls `probe` until it resolves, or fails with the last error after `timeoutMs`. `giveUpIf` is
 * asked before every try: a reason (for example "the server exited with code 1") ends the wait at once.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<unknown>,
  timeoutMs: number,
  intervalMs = 100,
  giveUpIf: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = giveUpIf();
    if (reason) throw new Error(`${what} will not become ready: ${reason}`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms: ${(lastError as Error)?.message ?? lastError}`);
}
