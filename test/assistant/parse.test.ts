import { describe, expect, it } from 'vitest';
import { streamingPieces } from '../../src/assistant/builtin/format.js';
import { extractDueDate, parseCommand } from '../../src/assistant/builtin/parse.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('dates in the user\'s time zone', () => {
  it('reads "tomorrow 6pm" as 18:00 where the user is, whatever the server zone', () => {
    const now = new Date('2026-03-11T23:30:00Z'); // already the 12th in Tehran, still the 11th in New York
    expect(extractDueDate('tomorrow 6pm', { now, timeZone: 'Asia/Tehran' })?.due).toBe('2026-03-13T18:00:00+03:30');
    expect(extractDueDate('tomorrow 6pm', { now, timeZone: 'America/New_York' })?.due).toBe('2026-03-12T18:00:00-04:00');
  });

  it('keeps the wall-clock time across a daylight-saving change', () => {
    const now = new Date('2026-03-06T15:00:00Z'); // Friday, before the US switch on March 8
    expect(extractDueDate('next monday at 9am', { now, timeZone: 'America/New_York' })?.due).toBe('2026-03-09T09:00:00-04:00');
  });

  it('leaves a day without a time as the date alone, for the task service\'s end-of-day rule', () => {
    const now = new Date('2026-03-11T06:30:00Z'); // Wednesday in Tehran
    expect(extractDueDate('write report by next friday', { now, timeZone: 'Asia/Tehran' })).toEqual({ due: '2026-03-20', rest: 'write report' });
    expect(extractDueDate('today', { now, timeZone: 'America/New_York' })?.due).toBe('2026-03-11');
  });

  it('moves a time the clocks skip to just after the jump', () => {
    const now = new Date('2026-03-07T15:00:00Z'); // Saturday; New York skips 02:00-03:00 on Sunday
    expect(extractDueDate('tomorrow at 2:30am', { now, timeZone: 'America/New_York' })?.due).toBe('2026-03-08T03:30:00-04:00');
  });

  it('turns a command into a tool call without running anything', () => {
    const now = new Date('2026-03-11T06:30:00Z');
    expect(parseCommand('add a high priority task to call mom tomorrow at 6pm #family', { now, timeZone: 'Asia/Tehran' })).toEqual({
      kind: 'call',
      tool: 'add_task',
      args: { name: 'Call mom', priority: 'high', tags: ['family'], due: '2026-03-12T18:00:00+03:30' },
    });
    expect(parseCommand('mark the report task done', { now, timeZone: 'Asia/Tehran' })).toEqual({ kind: 'change-task', query: 'report', change: { type: 'complete' } });
  });
});

describe('assistant configuration', () => {
  it('is built-in by default and OpenAI-compatible when a base URL is set', () => {
    expect(loadConfig({}).assistant).toEqual({ provider: 'builtin' });
    expect(loadConfig({ BEHFLOW_LLM_BASE_URL: 'http://localhost:11434/v1/', BEHFLOW_LLM_MODEL: 'llama3.1' }).assistant).toEqual({
      provider: 'openai',
      baseUrl: 'http://localhost:11434/v1',
      apiKey: undefined,
      model: 'llama3.1',
      timeoutMs: 60_000,
    });
    expect(loadConfig({ BEHFLOW_LLM_BASE_URL: 'http://localhost:11434/v1', BEHFLOW_ASSISTANT_PROVIDER: 'builtin' }).assistant.provider).toBe('builtin');
  });

  it('refuses an OpenAI provider without a base URL, without echoing secrets', () => {
    expect(() => loadConfig({ BEHFLOW_ASSISTANT_PROVIDER: 'openai', BEHFLOW_LLM_API_KEY: 'sk-secret' })).toThrow(/BEHFLOW_LLM_BASE_URL/);
    let message = '';
    try {
      loadConfig({ BEHFLOW_LLM_BASE_URL: 'ftp://nope', BEHFLOW_LLM_API_KEY: 'sk-secret' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/BEHFLOW_LLM_BASE_URL/);
    expect(message).not.toContain('sk-secret');
  });

  it('refuses credentials in the base URL, naming the variable without echoing the value', () => {
    for (const url of ['https://alice:s3cr3t-pass@llm.example/v1', 'https://only-user-s3cr3t@llm.example/v1', 'http://:s3cr3t-pass@localhost:11434/v1']) {
      let error: unknown;
      try {
        loadConfig({ BEHFLOW_LLM_BASE_URL: url });
      } catch (caught) {
        error = caught;
      }
      expect(error, url).toBeInstanceOf(ConfigError);
      const message = String(error);
      expect(message).toMatch(/BEHFLOW_LLM_BASE_URL: must not contain a user name or password/);
      expect(message).not.toMatch(/s3cr3t|alice|llm\.example|localhost/);
    }
  });
});

describe('streaming the built-in reply', () => {
  it('cuts after lines and sentences, never inside a numbered item, and joins back exactly', () => {
    const reply = 'Hello! I manage your tasks.\n\nSeveral tasks match "report". Which one do you mean?\n1. **Report** — due 2030-01-02\n2. Report v2. Final';
    const pieces = streamingPieces(reply);
    expect(pieces).toEqual([
      'Hello! ',
      'I manage your tasks.\n\n',
      'Several tasks match "report". ',
      'Which one do you mean?\n',
      '1. **Report** — due 2030-01-02\n',
      '2. Report v2. Final',
    ]);
    expect(pieces.join('')).toBe(reply);
    expect(streamingPieces('Nothing is overdue. Well done!')).toEqual(['Nothing is overdue. ', 'Well done!']);
    expect(streamingPieces('')).toEqual([]);
  });
});
