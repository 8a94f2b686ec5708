import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Client, Provider, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { SignOutDocument, ViewerDocument, type ViewerFieldsFragment } from '../gql/graphql';
import { isSessionEnded } from './errors';
import { connectLive, type Live, type LiveState } from './live';
import { onTokenChange, storeToken, storedToken } from './session';

/**
 * The app's link to the API: one urql client per sign-in (HTTP for queries and mutations,
 * the graphql-ws connection for subscriptions), the viewer, and signing in and out.
 */
export interface Session {
  readonly viewer: ViewerFieldsFragment | null;
  /** Whether the viewer is still being loaded for a stored token. */
  readonly loading: boolean;
  /** Why the person was signed out, to say on the sign-in screen. */
  readonly notice: string | null;
  readonly live: Live | null;
  signedIn(token: string, viewer: ViewerFieldsFragment): void;
  /** Signs out here and on the server. */
  signOut(): Promise<void>;
  /** Forgets the session without asking the server (it has already ended there). */
  ended(notice: 'sessionEnded' | 'signedOutEverywhere'): void;
  /** Says that this session is about to be ended on purpose, so its closing is not reported as unexpected. */
  expectEnd(expected: boolean): void;
  viewerChanged(viewer: ViewerFieldsFragment): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside ApiProvider');
  return session;
}

export function useLiveState(): LiveState | null {
  const { live } = useSession();
  const [state, setState] = useState<LiveState | null>(live?.state() ?? null);
  useEffect(() => {
    setState(live?.state() ?? null);
    return live?.onState(setState);
  }, [live]);
  return state;
}

/** Runs `refetch` after the live connection has come back, when events may have been missed. */
export function useResync(refetch: () => void): void {
  const { live } = useSession();
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => live?.onResync(() => latest.current()), [live]);
}

function buildClient(token: string | null, live: Live | null, onSessionEnded: () => void): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error, operation) {
          // A request made with a token that no longer works: the session has ended elsewhere.
          if (token && operation.kind !== 'teardown' && isSessionEnded(error)) onSessionEnded();
        },
      }),
      fetchExchange,
      ...(live
        ? [
            subscriptionExchange({
              forwardSubscription: (request) => ({
                subscribe: (sink) => ({ unsubscribe: live.ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
              }),
            }),
          ]
        : []),
    ],
  });
}

export function ApiProvider({
  children,
  describeNotice,
}: {
  children: ReactNode;
  describeNotice: (kind: 'sessionEnded' | 'signedOutEverywhere') => string;
}) {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [viewer, setViewer] = useState<ViewerFieldsFragment | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [loading, setLoading] = useState<boolean>(() => storedToken() !== null);
  const describe = useRef(describeNotice);
  describe.current = describeNotice;

  const endExpected = useRef(false);
  const ended = useCallback((kind: 'sessionEnded' | 'signedOutEverywhere') => {
    if (kind === 'sessionEnded' && endExpected.current) return;
    endExpected.current = false;
    storeToken(null);
    setNotice(describe.current(kind));
  }, []);

  useEffect(
    () =>
      onTokenChange((next) => {
        setToken(next);
        if (!next) setViewer(null);
      }),
    [],
  );

  // One live connection per sign-in, opened and closed with it.
  const [live, setLive] = useState<Live | null>(null);
  useEffect(() => {
    if (!token) return;
    const connection = connectLive(token, () => ended('sessionEnded'));
    setLive(connection);
    return () => {
      connection.dispose();
      setLive(null);
    };
  }, [token, ended]);
  const ready = !token || live !== null;
  const client = useMemo(() => buildClient(token, token ? live : null, () => ended('sessionEnded')), [token, live, ended]);

  // A stored token: find out whose it is (and whether it still works).
  useEffect(() => {
    if (!token) {
      setLoading(false);
      return;
    }
    if (viewer || !ready) return;
    let cancelled = false;
    setLoading(true);
    void client
      .query(ViewerDocument, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        if (result.data) setViewer(result.data.me);
        setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [token, client, viewer, ready]);

  const session = useMemo<Session>(
    () => ({
      viewer,
      loading: loading || !ready,
      notice,
      live,
      signedIn(nextToken, nextViewer) {
        setNotice(null);
        setViewer(nextViewer);
        storeToken(nextToken);
      },
      async signOut() {
        // The server closes this session's live connection as it signs it out: close it
        // first, so that is not taken for a session that ended on its own.
        live?.dispose();
        // Even if the server cannot be reached the person is signed out here.
        await client.mutation(SignOutDocument, {}).toPromise();
        setNotice(null);
        storeToken(null);
      },
      ended,
      expectEnd(expected) {
        endExpected.current = expected;
      },
      viewerChanged: setViewer,
    }),
    [viewer, loading, ready, notice, live, client, ended],
  );

  return (
    <SessionContext.Provider value={session}>
      <Provider value={client}>{children}</Provider>
    </SessionContext.Provider>
  );
}
