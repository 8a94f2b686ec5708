// What reaches the log when the language model answers with an error.
import { describe, expect, it } from 'vitest';
import { createOpenAIProvider, errorExcerpt } from '../../src/assistant/openai.js';
import { AssistantUnavailableError } from '../../src/assistant/provider.js';
import { captureLogs } from '../helpers/logs.js';
import { startFakeLLM } from './fake-llm.js';

const API_KEY = 'sk-live-0123456789abcdefSECRET';
const llm = await startFakeLLM();

const capturingLogger = () => captureLogs('debug');

describe('a failed language model request', () => {
  it('logs the status and a short excerpt, never the key or the headers', async () => {
    const { logger, lines } = capturingLogger();
    const provider = createOpenAIProvider({ baseUrl: llm.baseUrl, apiKey: API_KEY, model: 'fake-model', timeoutMs: 5_000, logger });
    // A proxy that echoes the request it refused, credentials and all, followed by a long dump.
    llm.script((res, request) => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-upstream-token': 'hdr-secret-value' });
      res.end(
        JSON.stringify({
          error: { message: `Invalid key ${API_KEY}; you sent authorization: ${request.headers.authorization}\n${'x'.repeat(2_000)}` },
        }),
      );
    });

    await expect(
      provider.reply({
        history: [{ role: 'user', content: 'hello' }],
        instructions: 'Be brief.',
        tools: { run: async () => ({ ok: false, error: 'unused' }), refuse: () => ({ ok: false, error: 'unused' }) },
        now: new Date(),
        timeZone: 'UTC',
        signal: new AbortController().signal,
        onDelta: () => {},
      }),
    ).rejects.toBeInstanceOf(AssistantUnavailableError);

    const entry = lines
      .map((line) => JSON.parse(line) as { msg?: string; status?: number; detail?: string })
      .find((logged) => logged.msg === 'language model request failed');
    expect(entry).toMatchObject({ status: 401 });
    expect(entry!.detail).toMatch(/^Invalid key \[redacted\]; you sent authorization: Bearer \[redacted\] x+…$/);
    expect(entry!.detail!.length).toBeLessThanOrEqual(161);
    const everything = lines.join('\n');
    expect(everything).not.toContain('0123456789abcdef');
    expect(everything).not.toContain('hdr-secret-value');
    expect(everything).not.toContain('x'.repeat(200));
  });
});

describe('errorExcerpt', () => {
  it('masks credentials of any shape, flattens the text and keeps it short', () => {
    expect(errorExcerpt('plain text', undefined)).toBe('plain text');
    expect(errorExcerpt('{"error":"bad model"}', undefined)).toBe('bad model');
    expect(errorExcerpt('token sk-abcdefghijkl123 rejected', undefined)).toBe('token [redacted] rejected');
    expect(errorExcerpt('Authorization: Basic dXNlcjpwYXNz', undefined)).toBe('Authorization: Basic [redacted]');
    expect(errorExcerpt('fetch https://user:pw@host/v1 failed', undefined)).toBe('fetch https://[redacted]@host/v1 failed');
    expect(errorExcerpt('key my-own-key\r\nline two', 'my-own-key')).toBe('key [redacted] line two');
    expect(errorExcerpt('y'.repeat(500), undefined)).toBe(`${'y'.repeat(160)}…`);
  });
});
