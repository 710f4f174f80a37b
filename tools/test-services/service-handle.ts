/** A running test service: where to reach it, and how to stop it (a no-op for servers given by env). */
export interface ServiceHandle {
  readonly name: string;
  readonly url: string;
  /** Started by the test setup (true) or given through the environment (false). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export function externalService(name: string, url: string): ServiceHandle {
  return { name, url, owned: false, stop: async () => {} };
}
