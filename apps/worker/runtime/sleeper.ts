/** A wait that something else can cut short (a wake-up notification, a job finishing, shutdown). */
export class Sleeper {
  private waking: (() => void) | undefined;
  private pending = false;

  /** Resolves after `ms`, or at once when wake() is called meanwhile (or was called since the last sleep). */
  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waking = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waking = done;
    });
  }

  wake(): void {
    if (this.waking) this.waking();
    else this.pending = true;
  }
}
