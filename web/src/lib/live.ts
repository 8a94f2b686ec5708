import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/**
 * The one live connection (graphql-ws) of a signed-in app, and everything about keeping it
 * alive: pings that notice a silent network, retries with growing pauses, and, after every
 * reconnection, a "resync" that tells each screen to refetch what it shows, so events sent
 * while the connection was down are not missed. A 4403 close means the session has ended:
 * no retry, the person is signed out.
 */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface Live {
  readonly ws: WsClient;
  state(): LiveState;
  onState(listener: (state: LiveState) => void): () => void;
  /** Called after the connection came back: refetch anything that listens for events. */
  onResync(listener: () => void): () => void;
  dispose(): void;
}

const SESSION_ENDED = 4403;
const PING_EVERY_MS = 15_000;
const PONG_WITHIN_MS = 5_000;

function isCloseEvent(value: unknown): value is { code: number } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof (value as { code: unknown }).code === 'number';
}

export function connectLive(token: string, onSessionEnded: () => void): Live {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  let state: LiveState = 'connecting';
  const stateListeners = new Set<(state: LiveState) => void>();
  const resyncListeners = new Set<() => void>();
  const setState = (next: LiveState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };
  let everConnected = false;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let activeSocket: WebSocket | null = null;

  const ws = createWsClient({
    url,
    connectionParams: { authorization: `Bearer ${token}` },
    // One connection for the whole app, kept open while signed in.
    lazy: false,
    keepAlive: PING_EVERY_MS,
    retryAttempts: Number.POSITIVE_INFINITY,
    // 1 s, 2 s, 4 s ... up to 15 s, with jitter so that many tabs do not come back at once.
    retryWait: async (retries) => {
      const pause = Math.min(15_000, 1_000 * 2 ** retries) * (0.75 + Math.random() * 0.5);
      await new Promise((resolve) => setTimeout(resolve, pause));
    },
    shouldRetry: (event) => !(isCloseEvent(event) && event.code === SESSION_ENDED),
    on: {
      opened: (socket) => {
        activeSocket = socket as WebSocket;
      },
      connected: (_socket, _payload, wasRetry) => {
        setState('live');
        if (wasRetry || everConnected) for (const listener of resyncListeners) listener();
        everConnected = true;
      },
      ping: (received) => {
        if (received) return;
        // A ping we sent: without a pong soon the network is gone though the socket looks open.
        clearTimeout(pongTimer);
        pongTimer = setTimeout(
          () => activeSocket?.readyState === WebSocket.OPEN && activeSocket.close(4408, 'Ping timeout'),
          PONG_WITHIN_MS,
        );
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        activeSocket = null;
        if (isCloseEvent(event) && event.code === SESSION_ENDED) {
          onSessionEnded();
          return;
        }
        setState(everConnected ? 'reconnecting' : 'connecting');
      },
    },
  });

  return {
    ws,
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    dispose() {
      clearTimeout(pongTimer);
      void ws.dispose();
    },
  };
}
