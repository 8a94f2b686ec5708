/**
 * A clock for the scheduler and process runs (pass `processClock: clock.now` to
 * startTestServer): the real clock shifted by an offset a test sets, so time still passes
 * (and pg-boss delays, counted on the database's clock, stay in step) while a test puts
 * "now" wherever it needs, a DST change or the end of an outage.
 */
export interface TestClock {
  readonly now: () => Date;
  /** From now on the clock reads `instant`, and runs on from there. */
  set(instant: Date | string): void;
}

export function testClock(start?: Date | string): TestClock {
  let offset = start === undefined ? 0 : new Date(start).getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    set(instant) {
      offset = new Date(instant).getTime() - Date.now();
    },
  };
}

/**
 * Polls `read` until `check` holds, every 50 ms for at most `timeoutMs`; returns the last value
 * read. Only for state nothing announces (rows a job leaves, pg-boss's queue): an event that
 * exists (a subscription's `live`, an outcome, a stream item) is awaited instead.
 */
export async function eventually<T>(read: () => Promise<T> | T, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
