// An assistant backed by any server speaking OpenAI's chat-completions API (OpenAI, Ollama,
// vLLM, ...): streamed replies, tool calling for at most a few rounds, one overall timeout.
import type { Logger } from '../logger.js';
import { argumentsOf, ToolCallAssembler, type ToolCall, type ToolCallFragment } from './openai-tool-calls.js';
import { AssistantUnavailableError, type AssistantProvider, type ReplyRequest, type ReplyResult } from './provider.js';
import { TOOL_DEFINITIONS } from './tool-schemas.js';

/** Requests that may ask for tools before the reply must be text. */
export const MAX_TOOL_ROUNDS = 4;

export interface OpenAIProviderOptions {
  /** The API root, e.g. https://api.openai.com/v1 (`/chat/completions` is appended). */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

type ApiMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

interface StreamChunk {
  choices?: Array<{
    delta?: { content?: string | null; tool_calls?: ToolCallFragment[] | null };
    message?: { content?: string | null; tool_calls?: ToolCallFragment[] | null };
    finish_reason?: string | null;
  }>;
  usage?: { total_tokens?: number } | null;
}

interface RoundResult {
  text: string;
  toolCalls: ToolCall[];
  tokens: number | null;
}

const TOOLS = TOOL_DEFINITIONS.map((tool) => ({
  type: 'function' as const,
  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
}));

/** How much of a failed request's answer reaches the log: enough to recognise the error. */
const ERROR_EXCERPT_CHARS = 160;

/**
 * A short, single-line excerpt of an error answer for the log. Model servers (and proxies in
 * front of them) sometimes echo the request, its credentials included: the key and anything
 * shaped like a credential are masked before the excerpt is cut.
 */
export function errorExcerpt(body: string, apiKey: string | undefined): string {
  let text = body;
  // Prefer the API's own message (`{ "error": { "message": ... } }`) over the raw body.
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string') text = message;
  } catch {
    // Not JSON: the raw text it is.
  }
  if (apiKey) text = text.split(apiKey).join('[redacted]');
  text = text
    .replace(/(bearer|basic)\s+[^\s"',;]+/gi, '$1 [redacted]')
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/\/\/[^/\s:@]*:[^/\s@]*@/g, '//[redacted]@')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes from text bound for the log.
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return text.length > ERROR_EXCERPT_CHARS ? `${text.slice(0, ERROR_EXCERPT_CHARS)}…` : text;
}

/** Reads a server-sent-events body, calling `onData` with each `data:` payload. */
async function readEvents(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const flushEvent = () => {
    if (data.length) onData(data.join('\n'));
    data = [];
  };
  const takeLine = (line: string) => {
    if (line === '') flushEvent();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      takeLine(buffer.slice(0, newline));
      buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1);
    }
  }
  buffer += decoder.decode();
  if (buffer) takeLine(buffer);
  flushEvent();
}

export function createOpenAIProvider(options: OpenAIProviderOptions): AssistantProvider {
  const log = options.logger.child({ component: 'assistant', provider: 'openai' });
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  async function round(messages: ApiMessage[], signal: AbortSignal, onText: (text: string) => void): Promise<RoundResult> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers,
      signal,
      body: JSON.stringify({
        model: options.model,
        messages,
        tools: TOOLS,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    if (!response.ok || !response.body) {
      const detail = await response.text().catch(() => '');
      log.warn({ status: response.status, detail: errorExcerpt(detail, options.apiKey) }, 'language model request failed');
      throw new AssistantUnavailableError(`the language model answered with HTTP ${response.status}`);
    }
    const result: RoundResult = { text: '', toolCalls: [], tokens: null };
    const calls = new ToolCallAssembler();
    const takeChunk = (chunk: StreamChunk) => {
      if (typeof chunk.usage?.total_tokens === 'number') result.tokens = (result.tokens ?? 0) + chunk.usage.total_tokens;
      for (const choice of chunk.choices ?? []) {
        const content = choice.delta?.content ?? choice.message?.content;
        if (content) {
          result.text += content;
          onText(content);
        }
        for (const fragment of [...(choice.message?.tool_calls ?? []), ...(choice.delta?.tool_calls ?? [])]) calls.take(fragment);
      }
    };
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      // A server that ignores `stream: true` answers with one completion.
      takeChunk((await response.json()) as StreamChunk);
    } else {
      await readEvents(response.body, (data) => {
        if (data.trim() === '[DONE]') return;
        try {
          takeChunk(JSON.parse(data) as StreamChunk);
        } catch {
          log.warn('undecodable stream chunk skipped');
        }
      });
    }
    result.toolCalls = calls.result();
    return result;
  }

  return {
    name: 'openai',
    async reply(request: ReplyRequest): Promise<ReplyResult> {
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
      const signal = AbortSignal.any([timeout.signal, request.signal]);
      const messages: ApiMessage[] = [
        { role: 'system', content: request.instructions },
        ...request.history.map((message) => ({ role: message.role, content: message.content })),
      ];
      let content = '';
      let tokens: number | null = null;
      const onText = (text: string) => {
        content += text;
        request.onDelta(text);
      };
      try {
        for (let rounds = 0; ; rounds += 1) {
          let separated = content === '';
          const result = await round(messages, signal, (text) => {
            if (!separated) {
              separated = true;
              onText('\n\n');
            }
            onText(text);
          });
          if (result.tokens !== null) tokens = (tokens ?? 0) + result.tokens;
          if (result.toolCalls.length === 0) break;
          if (rounds >= MAX_TOOL_ROUNDS) {
            onText(
              `${content ? '\n\n' : ''}_I stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls; please ask again more specifically._`,
            );
            break;
          }
          // Arguments that are not JSON go back as {} (with the error in the tool's answer): servers
          // such as Ollama refuse a conversation whose earlier calls they cannot decode.
          const parsedCalls = result.toolCalls.map((call) => ({ call, parsed: argumentsOf(call) }));
          messages.push({
            role: 'assistant',
            content: result.text || null,
            tool_calls: parsedCalls.map(({ call, parsed }) =>
              parsed.ok ? call : { ...call, function: { ...call.function, arguments: '{}' } },
            ),
          });
          for (const { call, parsed } of parsedCalls) {
            const outcome = parsed.ok
              ? await request.tools.run(call.function.name, parsed.args)
              : request.tools.refuse(call.function.name, call.function.arguments, parsed.error);
            messages.push({
              role: 'tool',
              tool_call_id: call.id,
              content: JSON.stringify(outcome.ok ? outcome.result : { error: outcome.error }),
            });
          }
        }
      } catch (error) {
        if (error instanceof AssistantUnavailableError) throw error;
        if (timeout.signal.aborted) {
          throw new AssistantUnavailableError(`the language model did not answer within ${Math.round(options.timeoutMs / 1000)} s`);
        }
        if (request.signal.aborted) throw new AssistantUnavailableError('the server is shutting down');
        log.warn({ err: { message: (error as Error).message } }, 'language model unreachable');
        throw new AssistantUnavailableError('the language model could not be reached');
      } finally {
        clearTimeout(timer);
      }
      return { content: content.trim() || '_(The assistant gave an empty answer.)_', tokensUsed: tokens };
    },
  };
}
