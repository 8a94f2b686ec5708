// The assistant's tools hold the task service's own rules: the same limits, tags kept as
// written, errors in the tools' own terms, and the JSON Schema a model sees derived from the
// schemas that check the arguments.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { TOOL_ARGUMENTS, TOOL_DEFINITIONS } from '../../src/assistant/tool-schemas.js';
import { createToolRunner } from '../../src/assistant/tools.js';
import { createLogger } from '../../src/logger.js';
import { TASK_LIMITS } from '../../src/tasks/rules.js';
import { createTaskService } from '../../src/tasks/service.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const server = await startTestServer();
const logger = createLogger('silent');
const tasks = createTaskService({
  prisma: server.prisma,
  sql: server.running.database.sql,
  events: server.running.eventLog,
  logger,
  timeZone: 'Asia/Tehran',
});

async function runner() {
  const { user, token } = await seed(server).user().inZone('Asia/Tehran').create();
  return {
    tools: createToolRunner({ tasks, actor: { id: user.id, timeZone: 'Asia/Tehran' }, now: () => new Date(), logger }),
    userId: user.id,
    token,
  };
}

describe('assistant tools', () => {
  it("accept what the API accepts: the service's description length and tag count, tags in their own case", async () => {
    const { tools, token } = await runner();
    const description = 'd'.repeat(TASK_LIMITS.descriptionLength);
    const tags = Array.from({ length: TASK_LIMITS.tagCount }, (_, index) => `Tag${index}`);
    const added = await tools.run('add_task', { name: 'Long one', description, tags: ['#Home', ...tags.slice(1)] });
    expect(added.ok).toBe(true);
    const viaApi = await server.data(
      graphql(`mutation ToolsCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { tags } } }`),
      {
        token,
        variables: { input: { name: 'Same via API', description, tags: ['Home', ...tags.slice(1)] } },
      },
    );
    expect((added as { result: { task: { tags: string[] } } }).result.task.tags).toEqual(viaApi.createTask!.task.tags);
    expect(viaApi.createTask!.task.tags[0]).toBe('Home');
  });

  it("refuse what the service refuses, in the tools' own terms, never naming an API argument path", async () => {
    const { tools } = await runner();
    const tooMany = await tools.run('add_task', {
      name: 'x',
      tags: Array.from({ length: TASK_LIMITS.tagCount + 1 }, (_, index) => `t${index}`),
    });
    expect(tooMany).toEqual({ ok: false, error: expect.stringMatching(/^tags: /) });
    const longName = await tools.run('add_task', { name: 'n'.repeat(TASK_LIMITS.nameLength + 1) });
    expect(longName).toEqual({ ok: false, error: expect.stringMatching(/^name: /) });
    const badDue = await tools.run('add_task', { name: 'x', due: 'next blue moon' });
    expect(badDue).toEqual({ ok: false, error: expect.stringMatching(/^due: /) });
    const nul = await tools.run('update_task', { task_id: '11111111-1111-4111-8111-111111111111', name: 'a\u0000b' });
    for (const outcome of [tooMany, longName, badDue, nul]) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).not.toMatch(/\binput\.|\bfilter\./);
    }
  });

  it('find tags in any case, as the API keeps them', async () => {
    const { tools } = await runner();
    await tools.run('add_task', { name: 'Stretch', tags: ['Health'] });
    const found = await tools.run('tasks_by_tag', { tag: '#health' });
    expect(found).toMatchObject({ ok: true, result: { tag: 'Health', tasks: [{ name: 'Stretch' }] } });
  });

  it('show a model the JSON Schema of the very schemas that check the arguments', () => {
    for (const definition of TOOL_DEFINITIONS) {
      const { $schema: _dialect, ...expected } = z.toJSONSchema(TOOL_ARGUMENTS[definition.name], {
        io: 'input',
        target: 'draft-7',
      }) as Record<string, unknown>;
      expect(definition.parameters).toEqual(expected);
      expect(definition.parameters).toMatchObject({ type: 'object', additionalProperties: false });
    }
    const add = TOOL_DEFINITIONS.find((definition) => definition.name === 'add_task')!.parameters as {
      required: string[];
      properties: { description: { anyOf: Array<{ maxLength?: number }> }; tags: { maxItems?: number } };
    };
    expect(add.required).toEqual(['name']);
    expect(add.properties.description.anyOf[0]!.maxLength).toBe(TASK_LIMITS.descriptionLength);
    expect(add.properties.tags.maxItems).toBe(TASK_LIMITS.tagCount);
  });
});
