/**
 * Everything the drill starts registers how to undo it here; `run()` undoes it in reverse order,
 * once, whether the drill finished, threw, or was interrupted (SIGINT/SIGTERM/SIGHUP).
 */
export class Cleanup {
  private readonly steps: { name: string; fn: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  add(name: string, fn: () => Promise<void> | void): void {
    this.steps.push({ name, fn });
  }

  run(log: (line: string) => void = () => undefined): Promise<void> {
    return (this.running ??= (async () => {
      while (this.steps.length) {
        const step = this.steps.pop()!;
        try {
          await withTimeout(Promise.resolve().then(step.fn), 20_000, step.name);
          log(`cleanup: ${step.name}`);
        } catch (err) {
          log(`cleanup: ${step.name} FAILED: ${(err as Error).message}`);
        }
      }
    })());
  }

  /** On SIGINT/SIGTERM/SIGHUP: clean up, then exit with 128+signal like a shell would. */
  installSignalHandlers(log: (line: string) => void): void {
    const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
    for (const sig of Object.keys(codes) as NodeJS.Signals[]) {
      process.once(sig, () => {
        log(`\n${sig} received: stopping the drill and cleaning up`);
        void this.run(log).finally(() => process.exit(codes[sig]));
      });
    }
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
