// The OpenAI-compatible provider against the streamed tool-call formats of the common servers,
// replayed by a loopback chat-completions server, with real tools on the real task service.
import { describe, expect, it } from 'vitest';
import { createOpenAIProvider } from '../../src/assistant/openai.js';
import { createToolRunner } from '../../src/assistant/tools.js';
import { createLogger } from '../../src/logger.js';
import { createTaskService } from '../../src/tasks/service.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { chunkOf, startFakeLLM, streamEvents, streamText, type RecordedRequest } from './fake-llm.js';

const llm = await startFakeLLM();
const server = await startTestServer();
const logger = createLogger('silent');
const tasks = createTaskService({
  prisma: server.prisma,
  sql: server.running.database.sql,
  events: server.running.eventLog,
  logger,
  timeZone: 'Asia/Tehran',
});
const provider = createOpenAIProvider({ baseUrl: llm.baseUrl, apiKey: undefined, model: 'fake-model', timeoutMs: 5_000, logger });

const usage = { ...chunkOf({}), choices: [], usage: { total_tokens: 7 } };
const finish = (reason: string) => chunkOf({ delta: {}, finish_reason: reason });
const calls = (...toolCalls: unknown[]) => chunkOf({ delta: { tool_calls: toolCalls } });

/** Sends one message with `answers` scripted; returns the reply, the actions and the model's requests. */
async function converse(...answers: Parameters<typeof llm.script>) {
  const { user } = await seed(server).user().inZone('Asia/Tehran').create();
  const actor = { id: user.id, timeZone: 'Asia/Tehran' };
  const runner = createToolRunner({ tasks, actor, now: () => new Date(), logger });
  const before = llm.requests.length;
  llm.script(...answers);
  const deltas: string[] = [];
  const result = await provider.reply({
    history: [{ role: 'user', content: 'add two tasks' }],
    instructions: 'Be brief.',
    tools: runner,
    now: new Date(),
    timeZone: 'Asia/Tehran',
    signal: new AbortController().signal,
    onDelta: (text) => deltas.push(text),
  });
  expect(deltas.join('')).toBe(result.content);
  const names = (await server.prisma.task.findMany({ where: { userId: user.id }, orderBy: { name: 'asc' } })).map((task) => task.name);
  return { result, actions: runner.actions, names, requests: llm.requests.slice(before) };
}

/** The second request's record of the first round: the assistant's calls and the tools' answers. */
function replayed(request: RecordedRequest) {
  const { messages } = request.body;
  const assistant = messages.find((message) => message.role === 'assistant' && message.tool_calls)!;
  const answers = messages.filter((message) => message.role === 'tool');
  return { calls: assistant.tool_calls!, answers };
}

describe('streamed tool calls', () => {
  it('OpenAI: parallel calls by index, their arguments cut into interleaved fragments, usage in a last chunk without choices', async () => {
    const { result, actions, names, requests } = await converse(
      streamEvents([
        chunkOf({ delta: { role: 'assistant', content: 'Adding both. ' } }),
        calls({ index: 0, id: 'call_a', type: 'function', function: { name: 'add_task', arguments: '' } }),
        calls({ index: 0, function: { arguments: '{"na' } }),
        calls({ index: 1, id: 'call_b', type: 'function', function: { name: 'add_task', arguments: '{"name":' } }),
        calls({ index: 0, function: { arguments: 'me":"Buy bread",' } }),
        calls({ index: 1, function: { arguments: ' "Call mom", "priority": "high"}' } }),
        calls({ index: 0, function: { arguments: '"tags":["Home"]}' } }),
        finish('tool_calls'),
        usage,
      ]),
      streamText(['Done.'], 5),
    );
    expect(names).toEqual(['Buy bread', 'Call mom']);
    expect(actions.map((action) => [action.tool, action.outcome, action.arguments])).toEqual([
      ['add_task', 'SUCCEEDED', { name: 'Buy bread', tags: ['Home'] }],
      ['add_task', 'SUCCEEDED', { name: 'Call mom', priority: 'high' }],
    ]);
    expect(result).toMatchObject({ content: 'Adding both. \n\nDone.', tokensUsed: 12 });
    const { calls: echoed, answers } = replayed(requests[1]!);
    expect(echoed.map((call) => call.id)).toEqual(['call_a', 'call_b']);
    expect(answers.map((answer) => answer.tool_call_id)).toEqual(['call_a', 'call_b']);
    expect(JSON.parse(answers[0]!.content!).task).toMatchObject({ name: 'Buy bread', tags: ['Home'] });
  });

  it('Ollama: each call whole in one fragment, every one at index 0 with its own id', async () => {
    const { actions, names, requests } = await converse(
      streamEvents([
        calls(
          { id: 'call_x1', index: 0, type: 'function', function: { name: 'add_task', arguments: '{"name":"Water plants"}' } },
          { id: 'call_x2', index: 0, type: 'function', function: { name: 'add_task', arguments: '{"name":"Pay rent"}' } },
        ),
        finish('tool_calls'),
      ]),
      streamText(['ok']),
    );
    expect(names).toEqual(['Pay rent', 'Water plants']);
    expect(actions.map((action) => action.outcome)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(replayed(requests[1]!).answers.map((answer) => answer.tool_call_id)).toEqual(['call_x1', 'call_x2']);
  });

  it('older Ollama: calls without an index (and without ids), each in its own chunk', async () => {
    const { actions, names, requests } = await converse(
      streamEvents([
        calls({ function: { name: 'add_task', arguments: '{"name":"First"}' } }),
        calls({ function: { name: 'add_task', arguments: '{"name":"Second"}' } }),
        finish('stop'),
      ]),
      streamText(['ok']),
    );
    expect(names).toEqual(['First', 'Second']);
    expect(actions).toHaveLength(2);
    const { calls: echoed, answers } = replayed(requests[1]!);
    // Ids made up where the server sent none, and used to answer each call.
    expect(echoed.map((call) => call.id)).toEqual(['call_0', 'call_1']);
    expect(answers.map((answer) => answer.tool_call_id)).toEqual(['call_0', 'call_1']);
  });

  it('vLLM: an empty id on later fragments, and the last fragment repeating the id and name', async () => {
    const { actions, names } = await converse(
      streamEvents([
        chunkOf({ delta: { role: 'assistant', content: null } }),
        calls({ index: 0, id: 'chatcmpl-tool-1', type: 'function', function: { name: 'add_task', arguments: '' } }),
        calls({ index: 0, id: '', type: 'function', function: { name: null, arguments: '{"name": "Book' } }),
        calls({ index: 0, id: '', type: 'function', function: { name: null, arguments: ' the venue", "due": "2030-01-02' } }),
        calls({ index: 0, id: 'chatcmpl-tool-1', type: 'function', function: { name: 'add_task', arguments: '"}' } }),
        calls({ index: 1, id: 'chatcmpl-tool-2', type: 'function', function: { name: 'task_statistics', arguments: '{}' } }),
        finish('tool_calls'),
        usage,
      ]),
      streamText(['ok']),
    );
    expect(names).toEqual(['Book the venue']);
    expect(actions.map((action) => [action.tool, action.outcome])).toEqual([
      ['add_task', 'SUCCEEDED'],
      ['task_statistics', 'SUCCEEDED'],
    ]);
  });

  it('a call with invalid JSON arguments is refused and reported to the model; the other calls of the turn still run', async () => {
    const { result, actions, names, requests } = await converse(
      streamEvents([
        calls({ index: 0, id: 'call_bad', type: 'function', function: { name: 'add_task', arguments: '{"name": "Broken' } }),
        calls({ index: 1, id: 'call_good', type: 'function', function: { name: 'add_task', arguments: '{"name": "Fine"}' } }),
        finish('tool_calls'),
      ]),
      streamText(['One of them failed.']),
    );
    expect(names).toEqual(['Fine']);
    expect(actions).toEqual([
      { tool: 'add_task', arguments: { raw: '{"name": "Broken' }, outcome: 'FAILED', detail: expect.stringMatching(/not valid JSON/) },
      expect.objectContaining({ tool: 'add_task', outcome: 'SUCCEEDED' }),
    ]);
    expect(result.content).toBe('One of them failed.');
    const { calls: echoed, answers } = replayed(requests[1]!);
    // Every call sent back is decodable JSON, as servers that re-read the history require.
    for (const call of echoed) expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    expect(JSON.parse(answers[0]!.content!)).toEqual({ error: expect.stringMatching(/not valid JSON/) });
    expect(JSON.parse(answers[1]!.content!).task).toMatchObject({ name: 'Fine' });
  });

  it('a server that ignores stream: true answers with one completion holding whole calls', async () => {
    const { names } = await converse(
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            choices: [
              {
                index: 0,
                finish_reason: 'tool_calls',
                message: {
                  role: 'assistant',
                  content: null,
                  tool_calls: [{ id: 'c1', type: 'function', function: { name: 'add_task', arguments: '{"name":"Whole"}' } }],
                },
              },
            ],
          }),
        );
      },
      streamText(['ok']),
    );
    expect(names).toEqual(['Whole']);
  });
});
