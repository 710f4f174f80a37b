/**
 * A free port is picked before the server binds it, so another process can take it in between
 * (likely when several test runs share a machine). Starters retry with fresh ports when that happens.
 */
const PORT_CLASH = /address already in use|EADDRINUSE|could not bind/i;

export async function retryOnPortClash<T>(what: string, start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !PORT_CLASH.test(String((error as Error)?.message))) throw error;
      process.stderr.write(`test-services: ${what} lost its port to another process; retrying with new ports (${attempt}/${attempts - 1})\n`);
    }
  }
}
