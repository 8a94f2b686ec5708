// A question the built-in assistant asked is answered by the next message of the same session,
// whichever instance (sharing the database) reads it: the question is stored with the reply.
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { converse } from './helpers.js';
import { graphql } from '../helpers/graphql.js';

const databaseUrl = await createTestDatabase();
const first = await startTestServer({ databaseUrl });
const second = await startTestServer({ databaseUrl });

async function userWith(names: string[]) {
  const seeded = await seed(first).user().inZone('Asia/Tehran').create();
  for (const name of names)
    await first.data(
      graphql(`mutation AssistantFollowUpsCreateTask($name: String!) { createTask(input: { name: $name }) { task { id } } }`),
      {
        token: seeded.token,
        variables: { name },
      },
    );
  return seeded;
}

const statuses = async (userId: string) =>
  Object.fromEntries((await first.prisma.task.findMany({ where: { userId } })).map((task) => [task.name, task.status]));

describe('follow-up answers across instances', () => {
  it('"which one?" asked by one instance, "the second one" answered on another', async () => {
    const { token, user } = await userWith(['Write report', 'Read report', 'Gym']);
    const asked = await converse(first, token, 'complete the report');
    expect(asked.reply.content).toMatch(/^Several tasks match "report"\. Which one do you mean\?\n1\. \*\*(.+?)\*\*\n2\. \*\*(.+?)\*\*/);
    const offered = [...asked.reply.content.matchAll(/^\d\. \*\*(.+?)\*\*/gm)].map((match) => match[1]);
    expect(await statuses(user.id)).toEqual({ 'Write report': 'pending', 'Read report': 'pending', Gym: 'pending' });

    const answered = await converse(second, token, 'the second one', asked.sessionId);
    expect(answered.reply.content).toBe(`Done: **${offered[1]}** is completed.`);
    expect((await statuses(user.id))[offered[1]!]).toBe('completed');
    expect((await statuses(user.id))[offered[0]!]).toBe('pending');
  });

  it('answers by name, by number, and "yes" / "no", each on the other instance', async () => {
    const { token, user } = await userWith(['Write report', 'Read report', 'Buy groceries']);
    let turn = await converse(first, token, 'delete the report');
    turn = await converse(second, token, 'read report', turn.sessionId);
    expect(turn.reply.content).toBe('Deleted **Read report**.');

    turn = await converse(second, token, 'finish the groceires', turn.sessionId);
    expect(turn.reply.content).toBe('Did you mean **Buy groceries**? (*yes* / *no*)');
    turn = await converse(first, token, 'no', turn.sessionId);
    expect(turn.reply.content).toBe('OK, I changed nothing.');
    expect(await statuses(user.id)).toEqual({ 'Write report': 'pending', 'Buy groceries': 'pending' });

    turn = await converse(first, token, 'finish the groceires', turn.sessionId);
    turn = await converse(second, token, 'yes', turn.sessionId);
    expect(turn.reply.content).toBe('Done: **Buy groceries** is completed.');

    turn = await converse(second, token, 'rename the report', turn.sessionId);
    expect(turn.reply.content).toBe('What should **Write report** be called?');
    turn = await converse(first, token, 'Write the annual report', turn.sessionId);
    expect(turn.reply.content).toBe('Renamed **Write report** to **Write the annual report**.');
    expect(await statuses(user.id)).toEqual({ 'Write the annual report': 'pending', 'Buy groceries': 'completed' });
  });

  it('"what should it be called?" is answered with the name, and the question does not outlive one message', async () => {
    const { token, user } = await userWith([]);
    let turn = await converse(first, token, 'add a high priority task');
    expect(turn.reply.content).toMatch(/What should the new task be called\?/);
    turn = await converse(second, token, 'renew the passport', turn.sessionId);
    expect(turn.reply.content).toBe('Added **Renew the passport** (high priority).');

    // "yes" now answers nothing: no question is pending, so it is not understood and writes nothing.
    turn = await converse(first, token, 'yes', turn.sessionId);
    expect(turn.reply.content).toMatch(/^Sorry, I did not understand that/);
    expect(await first.prisma.task.count({ where: { userId: user.id } })).toBe(1);
  });

  it("keeps the question in the stored reply, not in the API's actions", async () => {
    const { token, user } = await userWith(['Write report', 'Read report']);
    await converse(first, token, 'complete the report');
    const reply = await first.prisma.chatMessage.findFirstOrThrow({ where: { role: 'assistant', session: { userId: user.id } } });
    expect(reply.assistantState).toMatchObject({ language: 'en', pending: { kind: 'choose', edit: { type: 'complete' } } });
    expect(reply.actions).toEqual([{ tool: 'find_task', arguments: { reference: 'report' }, outcome: 'SUCCEEDED', detail: '2 match(es)' }]);
  });
});
