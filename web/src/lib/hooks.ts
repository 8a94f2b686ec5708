import { useEffect, useMemo, useRef } from 'react';
import { useClient, type AnyVariables, type TypedDocumentNode } from 'urql';
import { useSession } from './api';
import type { DateContext } from './dates';
import { useT } from './i18n';

/** The viewer's way of reading dates: their language, calendar and time zone. */
export function useDateContext(): DateContext {
  const t = useT();
  const { viewer } = useSession();
  return useMemo(
    () => ({ language: t.language, calendar: viewer?.calendar ?? 'GREGORIAN', timeZone: viewer?.timeZone ?? 'UTC' }),
    [t.language, viewer?.calendar, viewer?.timeZone],
  );
}

/**
 * Follows a subscription for as long as the component is shown, calling `onEvent` for each
 * event (the live connection resubscribes by itself after a reconnection).
 */
export function useLiveEvents<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables | null,
  onEvent: (data: Data) => void,
): void {
  const client = useClient();
  const latest = useRef(onEvent);
  latest.current = onEvent;
  const key = JSON.stringify(variables);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `variables` by value, so a new object with the same variables does not resubscribe.
  useEffect(() => {
    if (variables === null) return;
    const subscription = client.subscription(document, variables).subscribe((result) => {
      if (result.data) latest.current(result.data);
    });
    return () => subscription.unsubscribe();
    // `key` stands for the variables' content.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, document, key]);
}

/** Calls `run` at most once per `ms`, at the end of a burst of calls (events often come in bursts). */
export function useCoalesced(run: () => void, ms = 150): () => void {
  const latest = useRef(run);
  latest.current = run;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useMemo(
    () => () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => latest.current(), ms);
    },
    [ms],
  );
}
