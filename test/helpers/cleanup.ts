import { afterAll } from 'vitest';

/**
 * What the helpers opened for the current test file (servers, databases), closed when the file
 * ends, the last opened first. Vitest's `afterAll` only takes hooks while a file is being
 * collected: one called from a `beforeAll` or a test is dropped without a word, and with worker
 * modules shared between files (`isolate: false`) what it should have closed stays open.
 */
const pending: Array<() => Promise<void>> = [];

/** Closes `close` when the current test file ends, wherever it is called from. */
export function atFileEnd(close: () => Promise<void>): void {
  pending.push(close);
}

/** Registered by `cleanup-setup.ts` in every test file, before the file's own hooks. */
export function closeAtFileEnd(): void {
  afterAll(async () => {
    const failures: unknown[] = [];
    while (pending.length > 0) {
      const close = pending.pop();
      try {
        await close?.();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'closing what the test file opened failed');
  });
}
