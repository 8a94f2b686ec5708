import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { seed } from '../helpers/seed.js';
import { pageStatement } from '../../src/tasks/queries.js';
import type { CreateTaskInput, TaskOrder } from '../gql/graphql.js';
import { graphql, type ResultOf, type VariablesOf } from '../helpers/graphql.js';

const server = await startTestServer();

const LIST =
  graphql(`query ConnectionList($filter: TaskFilter, $orderBy: [TaskOrder!], $first: Int, $after: String, $last: Int, $before: String) {
  tasks(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`);

type Page = ResultOf<typeof LIST>;

async function list(token: string, variables: VariablesOf<typeof LIST>) {
  return (await server.data(LIST, { token, variables })).tasks;
}
const names = (page: Page['tasks']) => page.edges.map((edge) => edge.node.name);

async function create(token: string, input: CreateTaskInput) {
  await server.data(graphql(`mutation ConnectionCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`), {
    token,
    variables: { input },
  });
}

/** Walks the whole list forwards, then backwards, in pages of `size`. */
async function walk(token: string, variables: VariablesOf<typeof LIST>, size: number) {
  const forward: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page['tasks'] = await list(token, { ...variables, first: size, after });
    forward.push(...names(page));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const backward: string[] = [];
  let before: string | null = null;
  for (;;) {
    const page: Page['tasks'] = await list(token, { ...variables, last: size, before });
    backward.unshift(...names(page));
    if (!page.pageInfo.hasPreviousPage) break;
    before = page.pageInfo.startCursor;
  }
  return { forward, backward };
}

describe('ordering and cursors', async () => {
  const { token } = await seed(server).user().create();
  // Ties on every key, and tasks without a due date, to prove cursors tie-break on the id.
  const seeds: CreateTaskInput[] = [
    { name: 'e', priority: 'LOW', dueAt: '2030-01-03T00:00:00Z' },
    { name: 'b', priority: 'HIGH', dueAt: '2030-01-01T00:00:00Z' },
    { name: 'a', priority: 'MEDIUM' },
    { name: 'd', priority: 'HIGH', dueAt: '2030-01-01T00:00:00Z' },
    { name: 'c', priority: 'LOW' },
    { name: 'f', priority: 'MEDIUM', dueAt: '2030-01-02T00:00:00Z' },
    { name: 'b', priority: 'LOW', dueAt: '2030-01-02T00:00:00Z' },
  ];
  for (const input of seeds) await create(token, input);

  it('orders by priority by importance, HIGH first when descending', async () => {
    const page = await list(token, {
      orderBy: [
        { field: 'PRIORITY', direction: 'DESC' },
        { field: 'NAME', direction: 'ASC' },
      ],
    });
    expect(names(page)).toEqual(['b', 'd', 'a', 'f', 'b', 'c', 'e']);
    expect(page.totalCount).toBe(7);
  });

  it('orders by name and by creation time', async () => {
    expect(names(await list(token, { orderBy: [{ field: 'CREATED_AT', direction: 'ASC' }] }))).toEqual(seeds.map((s) => s.name));
    expect(names(await list(token, {}))).toEqual(seeds.map((s) => s.name).reverse());
    expect(
      names(
        await list(token, {
          orderBy: [
            { field: 'NAME', direction: 'DESC' },
            { field: 'PRIORITY', direction: 'ASC' },
          ],
        }),
      ),
    ).toEqual(['f', 'e', 'd', 'c', 'b', 'b', 'a']);
  });

  for (const [label, orderBy] of [
    ['due date ascending', [{ field: 'DUE_AT', direction: 'ASC' }]],
    ['due date descending', [{ field: 'DUE_AT', direction: 'DESC' }]],
    ['priority descending', [{ field: 'PRIORITY', direction: 'DESC' }]],
    ['name ascending', [{ field: 'NAME', direction: 'ASC' }]],
    ['updated descending', [{ field: 'UPDATED_AT', direction: 'DESC' }]],
  ] satisfies Array<[string, TaskOrder[]]>) {
    it(`pages through ${label} in pages of 2, forwards and backwards, seeing every task once in one order`, async () => {
      const whole = await list(token, { orderBy, first: 100 });
      const ids = whole.edges.map((edge) => edge.node.name);
      expect(ids).toHaveLength(7);
      const { forward, backward } = await walk(token, { orderBy }, 2);
      expect(forward).toEqual(ids);
      expect(backward).toEqual(ids);
    });
  }

  it('puts tasks without a due date last when ascending', async () => {
    const page = await list(token, {
      orderBy: [
        { field: 'DUE_AT', direction: 'ASC' },
        { field: 'NAME', direction: 'ASC' },
      ],
    });
    expect(names(page)).toEqual(['b', 'd', 'b', 'f', 'e', 'a', 'c']);
  });
});

describe('filters', async () => {
  const { token } = await seed(server).user().inZone('Asia/Tehran').create();
  const now = Date.now();
  const inHours = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
  const todayInTehran = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date(now));
  await create(token, { name: 'overdue open', dueAt: inHours(-48), tags: ['Home', 'urgent'], priority: 'HIGH' });
  await create(token, { name: 'overdue but done', dueAt: inHours(-48), status: 'COMPLETED', tags: ['home'] });
  await create(token, { name: 'future work', dueAt: inHours(24 * 30), tags: ['work'], description: 'Prepare the 50% milestone slides' });
  await create(token, { name: 'no date', status: 'IN_PROGRESS', tags: ['work', 'urgent'], priority: 'LOW' });
  await create(token, { name: 'today noon', dueDate: todayInTehran, description: 'Buy MILK and bread' });
  await create(token, { name: 'Milkshake recipe', priority: 'LOW' });

  const filtered = async (filter: Record<string, unknown>) => {
    const page = await list(token, { filter, orderBy: [{ field: 'NAME', direction: 'ASC' }] });
    expect(page.totalCount).toBe(page.edges.length);
    return names(page);
  };

  it('filters on any of several statuses and priorities', async () => {
    expect(await filtered({ statuses: ['COMPLETED', 'IN_PROGRESS'] })).toEqual(['no date', 'overdue but done']);
    expect(await filtered({ priorities: ['HIGH', 'LOW'] })).toEqual(['Milkshake recipe', 'no date', 'overdue open']);
  });

  it('filters on tags, any of or all of', async () => {
    expect(await filtered({ tagsAny: ['home', 'work'] })).toEqual(['future work', 'no date', 'overdue but done', 'overdue open']);
    expect(await filtered({ tagsAll: ['work', 'urgent'] })).toEqual(['no date']);
  });

  it('filters on due before / after, overdue and due today', async () => {
    expect(await filtered({ dueBefore: inHours(0) })).toContain('overdue open');
    expect(await filtered({ dueAfter: inHours(24) })).toEqual(['future work']);
    // 'today noon' was given today's date without a time: due at 23:59 tonight, not overdue yet
    expect(await filtered({ overdue: true })).toEqual(['overdue open']);
    expect(await filtered({ overdue: false })).toContain('today noon');
    expect(await filtered({ dueToday: true })).toEqual(['today noon']);
  });

  it('searches name and description (any case, any part), every word, wildcards literal', async () => {
    expect(await filtered({ search: 'milk' })).toEqual(['Milkshake recipe', 'today noon']);
    expect(await filtered({ search: 'milk bread' })).toEqual(['today noon']);
    expect(await filtered({ search: 'urgent' })).toEqual(['no date', 'overdue open']);
    expect(await filtered({ search: '50%' })).toEqual(['future work']);
    expect(await filtered({ search: '5_%' })).toEqual([]);
  });

  it('matches a search word inside a tag in any case, like name and description', async () => {
    // the tags are 'Home' (overdue open) and 'home' (overdue but done)
    expect(await filtered({ search: 'home' })).toEqual(['overdue but done', 'overdue open']);
    expect(await filtered({ search: 'Home' })).toEqual(['overdue but done', 'overdue open']);
    expect(await filtered({ search: 'hom' })).toEqual(['overdue but done', 'overdue open']);
    expect(await filtered({ search: 'OME' })).toEqual(['overdue but done', 'overdue open']);
    expect(await filtered({ search: 'RGEN' })).toEqual(['no date', 'overdue open']);
    // every word must match, each in the name, the description or a tag
    expect(await filtered({ search: 'hom urg' })).toEqual(['overdue open']);
    expect(await filtered({ search: 'hom open' })).toEqual(['overdue open']);
    // wildcards are literal inside tags too, and a word never spans two tags
    expect(await filtered({ search: 'h_me' })).toEqual([]);
    expect(await filtered({ search: 'h%' })).toEqual([]);
    expect(await filtered({ search: 'home urgent' })).toEqual(['overdue open']);
    expect(await filtered({ search: 'eurg' })).toEqual([]);
  });

  it("never matches another user's tags", async () => {
    const other = await seed(server).user().inZone('Asia/Tehran').create();
    await create(other.token, { name: 'Homestead chores', tags: ['HOMESTEAD', 'secret-tag'] });
    expect(await filtered({ search: 'home' })).toEqual(['overdue but done', 'overdue open']);
    expect(await filtered({ search: 'secret' })).toEqual([]);
    const theirs = await list(other.token, { filter: { search: 'home' } });
    expect(names(theirs)).toEqual(['Homestead chores']);
    expect((await list(other.token, { filter: { search: 'urgent' } })).totalCount).toBe(0);
  });

  it('combines conditions', async () => {
    expect(await filtered({ tagsAny: ['urgent'], statuses: ['PENDING'], search: 'overdue' })).toEqual(['overdue open']);
  });

  it('refuses a negative page size as bad input naming the argument', async () => {
    for (const [variables, field] of [
      [{ first: -1 }, 'first'],
      [{ last: -5, before: null, first: 10 }, 'last'],
    ] as const) {
      const result = await server.graphql(LIST, { token, variables });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.data ?? null).toBeNull();
    }
    // Zero is a valid (empty) page.
    expect((await server.data(LIST, { token, variables: { first: 0 } })).tasks.edges).toEqual([]);
  });

  it('refuses a filter that is too large, naming the field', async () => {
    const result = await server.graphql(LIST, { token, variables: { filter: { search: 'x'.repeat(201) } } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
    const nul = await server.graphql(LIST, { token, variables: { filter: { search: 'home\u0000' } } });
    expect(nul.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
    const nulTag = await server.graphql(LIST, { token, variables: { filter: { tagsAny: ['\u0000'] } } });
    expect(nulTag.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tagsAny' });
  });

  it('counts by status and priority, overdue and due today', async () => {
    const data = await server.data(
      graphql(
        `query ConnectionTaskStats { taskStats { total overdue dueToday byStatus { status count } byPriority { priority count } } tags { name count } }`,
      ),
      { token },
    );
    expect(data.taskStats.total).toBe(6);
    expect(data.taskStats.overdue).toBe(1);
    expect(data.taskStats.dueToday).toBe(1);
    expect(data.taskStats.byStatus).toEqual([
      { status: 'PENDING', count: 4 },
      { status: 'IN_PROGRESS', count: 1 },
      { status: 'COMPLETED', count: 1 },
      { status: 'CANCELLED', count: 0 },
    ]);
    expect(data.taskStats.byPriority).toEqual([
      { priority: 'LOW', count: 2 },
      { priority: 'MEDIUM', count: 3 },
      { priority: 'HIGH', count: 1 },
    ]);
    expect(data.tags).toEqual([
      { name: 'urgent', count: 2 },
      { name: 'work', count: 2 },
      { name: 'Home', count: 1 },
      { name: 'home', count: 1 },
    ]);
  });
});

describe('cost', () => {
  it('lists 100 tasks with their owner in at most two statements (the page, the owners), plus one for totalCount', async () => {
    const { token } = await seed(server)
      .user()
      .withTasks(100, (i) => ({ name: `bulk ${i}` }))
      .create();
    // The session is read once, then answered from memory.
    await server.data(graphql(`query ConnectionTypename { __typename }`), { token });
    const query = graphql(
      `query ConnectionHundred { tasks(first: 100) { totalCount edges { node { id name tags dueAtJalali isOverdue owner { id username name } } } } }`,
    );
    const { result, statements } = await server.queries.record(() => server.data(query, { token }));
    expect(result.tasks.edges).toHaveLength(100);
    expect(result.tasks.totalCount).toBe(100);
    expect(statements).toHaveLength(3);
    expect(statements.filter((sql) => /FROM tasks t WHERE .* LIMIT/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /count\(\*\)/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM users WHERE user_id = ANY/.test(sql))).toHaveLength(1);

    const small = await server.queries.record(() =>
      server.data(graphql(`query ConnectionTasks { tasks(first: 3) { edges { node { id owner { id name } } } } }`), { token }),
    );
    expect(small.statements).toHaveLength(2);
    // The owner's id and username come with the viewer's session: nothing to read.
    const known = await server.queries.record(() =>
      server.data(graphql(`query ConnectionTasks2 { tasks(first: 3) { edges { node { id owner { id username } } } } }`), { token }),
    );
    expect(known.statements).toHaveLength(1);
    const byId = await server.queries.record(() =>
      server.data(graphql(`query ConnectionTask($id: ID!) { task(id: $id) { id name owner { id } } }`), {
        token,
        variables: { id: (result.tasks.edges[0] as { node: { id: string } }).node.id },
      }),
    );
    expect(byId.statements).toHaveLength(1);
  });

  it('reads only the columns the selected fields need, and never a password or token hash', async () => {
    const { token } = await seed(server).user().withTask({ name: 'columns', description: 'long text' }).create();
    await server.data(graphql(`query ConnectionTypename2 { __typename }`), { token });
    const names = await server.queries.record(() =>
      server.data(graphql(`query ConnectionTasks3 { tasks(first: 5) { edges { node { name } } } }`), { token }),
    );
    expect(names.statements).toHaveLength(1);
    const [page] = names.statements;
    expect(page).toMatch(/^SELECT t\.task_id AS "id", t\.name AS "name" FROM tasks t/);
    const withOwner = await server.queries.record(() =>
      server.data(graphql(`query ConnectionTasks4 { tasks(first: 5) { edges { node { isOverdue owner { lastname } } } } }`), { token }),
    );
    expect(withOwner.statements[0]).toMatch(
      /^SELECT t\.due_date_gregorian AS "dueDateGregorian", t\.task_id AS "id", t\.status AS "status", t\.user_id AS "userId" FROM/,
    );
    expect(withOwner.statements[1]).toMatch(/^SELECT user_id AS "id", lastname AS "lastname" FROM users/);
    for (const sql of [...names.statements, ...withOwner.statements]) expect(sql).not.toMatch(/password_hash|token_hash|description/);
  });

  it('adds no statement for a search, whatever the number of words or the page size', async () => {
    const { token } = await seed(server)
      .user()
      .withTasks(100, (i) => ({ name: `bulk ${i}`, tags: [`Tag${i % 7}`] }))
      .create();
    await server.data(graphql(`query ConnectionTypename3 { __typename }`), { token });
    const query = graphql(
      `query ConnectionOwners($filter: TaskFilter, $first: Int) { tasks(first: $first, filter: $filter) { totalCount edges { node { id owner { id } } } } }`,
    );
    const run = (first: number, search?: string) =>
      server.queries.record(() => server.data(query, { token, variables: { first, filter: search ? { search } : null } }));
    const plain = await run(100);
    const oneWord = await run(100, 'tag3');
    const manyWords = await run(3, 'tag3 bulk TAG a b c d e f g');
    expect(oneWord.result.tasks.totalCount).toBe(14);
    expect(manyWords.result.tasks.totalCount).toBe(0);
    expect(oneWord.statements).toHaveLength(plain.statements.length);
    expect(manyWords.statements).toHaveLength(plain.statements.length);
    // `owner { id }` is the task's own user_id: nothing read for it
    expect(plain.statements.filter((sql) => /FROM users/.test(sql))).toEqual([]);
    // every statement reads only the actor's rows
    for (const sql of oneWord.statements.filter((text) => text.includes('behflow_task_tags_text')))
      expect(sql).toMatch(/WHERE t\.user_id = \$1::uuid/);
  });
});

describe('search index', () => {
  it('answers a search over 100k tasks from the trigram and tag indexes, including the case-insensitive tag lookup', async () => {
    const { user } = await seed(server).user().create();
    await server.prisma.$executeRaw`
      INSERT INTO tasks (user_id, name, description, date_added_jalali, tags)
      SELECT ${user.id}::uuid, 'task number ' || n, 'description ' || md5(n::text), '1404-01-01T00:00:00', ARRAY['tag' || (n % 50)]
      FROM generate_series(1, 100000) AS n`;
    await server.prisma.$executeRawUnsafe('ANALYZE tasks');
    // The statement the connection sends for `search: "AbcDef"`. With so little else in the
    // table the planner might scan it whole; forbidding that (for this transaction only) shows
    // whether the indexes can answer this query shape at all.
    const now = new Date();
    const page = pageStatement({
      userId: user.id,
      filter: { searchWords: ['AbcDef'], now },
      orderBy: [{ field: 'CREATED_AT', direction: 'DESC' }],
      columns: ['id', 'name'],
      limit: 21,
      inverted: false,
    });
    const plan = await server.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${page.text}`, ...page.values);
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('idx_tasks_name_trgm');
    expect(text).toContain('idx_tasks_description_trgm');
    expect(text).toContain('idx_tasks_tags_text_trgm');
    expect(text).not.toMatch(/Seq Scan/);
  });
});
