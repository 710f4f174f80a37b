/**
 * Where idle slots wait for work: woken one at a time (a notification, or a slot that just found
 * work, since there may be more), or all at once (shutdown), or by their poll timer. A wake-up that
 * comes while a slot is between looking for work and waiting is not lost: the generation tells it.
 */
export class Sleeper {
  private readonly waiting: Array<() => void> = [];
  private generation = 0;

  /** Note before looking for work; pass to sleep() after finding none. */
  get mark(): number {
    return this.generation;
  }

  /** Resolves after `ms`, when woken, or at once if a wake-up came since `mark`. */
  sleep(ms: number, mark = this.generation): Promise<void> {
    if (mark !== this.generation) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const index = this.waiting.indexOf(done);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.push(done);
    });
  }

  wakeOne(): void {
    this.generation++;
    this.waiting[0]?.();
  }

  wakeAll(): void {
    this.generation++;
    for (const done of [...this.waiting]) done();
  }
}
