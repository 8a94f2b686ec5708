// A real HTTP server on loopback speaking the chat-completions API, replaying scripted answers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

/** One message of a chat-completions request. */
export interface ChatCompletionMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string | null;
  readonly tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  readonly tool_call_id?: string;
}

/** A chat-completions request, as the assistant sends it. */
export interface ChatCompletionRequest {
  readonly model: string;
  readonly stream?: boolean;
  readonly messages: ChatCompletionMessage[];
  readonly tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  readonly [key: string]: unknown;
}

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: ChatCompletionRequest;
}

export type Answer = (res: ServerResponse, request: RecordedRequest) => void | Promise<void>;

export interface FakeLLM {
  /** The API root to configure (`BEHFLOW_LLM_BASE_URL`). */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Answers for the next requests, in order. */
  script(...answers: Answer[]): void;
}

const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-fake',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'fake-model',
  choices: [{ index: 0, finish_reason: null, ...choice }],
  ...extra,
});

/** Streams these chunks as they are, then `[DONE]`. */
export function streamEvents(events: unknown[]): Answer {
  return (res) => writeEvents(res, events);
}

/** A `chat.completion.chunk` with one choice. */
export const chunkOf = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) => chunk(choice, extra);

function writeEvents(res: ServerResponse, events: unknown[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
  res.write('data: [DONE]\n\n');
  res.end();
}

/** Streams `pieces` of text, then usage. */
export function streamText(pieces: string[], totalTokens = 42): Answer {
  return (res) =>
    writeEvents(res, [
      chunk({ delta: { role: 'assistant', content: '' } }),
      ...pieces.map((piece) => chunk({ delta: { content: piece } })),
      chunk({ delta: {}, finish_reason: 'stop' }),
      { ...chunk({}), choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: totalTokens } },
    ]);
}

/** Streams tool calls, each one's arguments cut into fragments as real servers do. */
export function streamToolCalls(calls: Array<{ name: string; args: Record<string, unknown> }>, totalTokens = 10): Answer {
  return (res) => {
    const events: unknown[] = [chunk({ delta: { role: 'assistant', content: null } })];
    calls.forEach((call, index) => {
      const json = JSON.stringify(call.args);
      const cut = Math.ceil(json.length / 2);
      events.push(
        chunk({ delta: { tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] } }),
      );
      events.push(chunk({ delta: { tool_calls: [{ index, function: { arguments: json.slice(0, cut) } }] } }));
      events.push(chunk({ delta: { tool_calls: [{ index, function: { arguments: json.slice(cut) } }] } }));
    });
    events.push(chunk({ delta: {}, finish_reason: 'tool_calls' }));
    events.push({ ...chunk({}), choices: [], usage: { total_tokens: totalTokens } });
    writeEvents(res, events);
  };
}

export function failWith(status: number): Answer {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'scripted failure', type: 'server_error' } }));
  };
}

/** Never answers until `release` is called (then answers with `then`), or the client gives up. */
export function hold(): { answer: Answer; release(then: Answer): void; started: Promise<void> } {
  let release!: (then: Answer) => void;
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const released = new Promise<Answer>((resolve) => (release = resolve));
  return {
    started: startedPromise,
    release,
    answer: async (res, request) => {
      started();
      const then = await released;
      if (!res.destroyed) await then(res, request);
    },
  };
}

export async function startFakeLLM(): Promise<FakeLLM> {
  const requests: RecordedRequest[] = [];
  const answers: Answer[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (part) => (raw += part));
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : null };
      requests.push(request);
      const answer = answers.shift();
      if (!answer) return failWith(599)(res, request);
      void answer(res, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    script: (...next) => answers.push(...next),
  };
}
