// One execution's attempts: 1 + retries, each bounded by the timeout, with a delay between
// them. Each attempt gets an abort signal and its deadline, so the work it does (its
// database transactions included) can be bounded by the process's timeout too.
import type { Logger } from '../logger.js';
import type { RunPolicy } from '../scheduler/registry.js';

export interface Attempt {
  /** Aborted when the attempt times out or the run is stopped. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the attempt times out. */
  remainingMs(): number;
}

export interface AttemptsResult<T> {
  readonly value: T;
  /** How many attempts it took (1 when the first succeeded). */
  readonly attempts: number;
}

/** The error an attempt fails with when it runs out of time: it names the setting to change. */
export function timeoutError(timeoutSeconds: number): Error {
  return new Error(`timed out after ${timeoutSeconds} s (the process's timeoutSeconds)`);
}

/** How close to its deadline an attempt's failure counts as its timeout. */
const DEADLINE_TOLERANCE_MS = 100;

export async function runAttempts<T>(
  policy: Pick<RunPolicy, 'retries' | 'retryDelaySeconds' | 'timeoutSeconds'>,
  stopSignal: AbortSignal,
  log: Logger,
  work: (attempt: Attempt) => Promise<T>,
): Promise<AttemptsResult<T>> {
  const { retries, retryDelaySeconds, timeoutSeconds } = policy;
  let lastError: Error = new Error('not run');
  for (let attemptNumber = 0; attemptNumber <= retries; attemptNumber += 1) {
    if (stopSignal.aborted) throw stopSignal.reason instanceof Error ? stopSignal.reason : new Error('stopped');
    if (attemptNumber > 0) await delay(retryDelaySeconds * 1000, stopSignal);
    const controller = new AbortController();
    const onStop = () => controller.abort(stopSignal.reason);
    stopSignal.addEventListener('abort', onStop, { once: true });
    const deadline = performance.now() + timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = timeoutError(timeoutSeconds);
        controller.abort(error);
        reject(error);
      }, timeoutSeconds * 1000);
    });
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
    );
    try {
      const value = await Promise.race([
        work({ signal: controller.signal, remainingMs: () => Math.max(1, Math.floor(deadline - performance.now())) }),
        timedOut,
        aborted,
      ]);
      return { value, attempts: attemptNumber + 1 };
    } catch (error) {
      // The attempt's database work has the same deadline: a statement cancelled by it may
      // report first, but what happened is the timeout.
      const outOfTime = !controller.signal.aborted && performance.now() >= deadline - DEADLINE_TOLERANCE_MS;
      lastError = outOfTime ? timeoutError(timeoutSeconds) : error instanceof Error ? error : new Error(String(error));
      log.warn({ err: { message: lastError.message }, attempt: attemptNumber + 1 }, 'process attempt failed');
    } finally {
      clearTimeout(timer);
      stopSignal.removeEventListener('abort', onStop);
    }
  }
  throw retries > 0 ? new Error(`${lastError.message} (after ${retries + 1} attempts)`) : lastError;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
