import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { expectIndistinguishableFromMissing, missingGlobalId, type CrossUserCase } from '../helpers/cross-user.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

// Alice owns the objects; Bob, signed in, tries every operation that takes an id on them.
// Later domains add their own files (cross-user-tasks.test.ts, ...) with a table like this one.
const server = await startTestServer();
const alice = await seed(server).user().inZone('Europe/Paris').create();
const bob = await seed(server).user().create();
const aliceId = encodeGlobalID('User', alice.user.id);
const bobId = encodeGlobalID('User', bob.user.id);
const aliceSecrets = () => [alice.user.username, alice.user.lastname, 'Europe/Paris', alice.user.id];
const aliceAccount = () => server.prisma.user.findUniqueOrThrow({ where: { id: alice.user.id }, include: { authSessions: true } });

const USER_FIELDS = 'id ... on User { username name lastname timeZone role createdAt }';

const cases: CrossUserCase[] = [
  {
    name: 'node(id:) on a User',
    document: `query ($id: ID!) { node(id: $id) { ${USER_FIELDS} } }`,
    variables: (id) => ({ id }),
    foreignId: () => aliceId,
    secrets: aliceSecrets,
  },
  {
    name: 'node(id:) on a User, asking only for __typename',
    document: 'query ($id: ID!) { node(id: $id) { __typename } }',
    variables: (id) => ({ id }),
    foreignId: () => aliceId,
  },
  {
    name: "nodes(ids:) with a User among the viewer's own",
    document: `query ($ids: [ID!]!) { nodes(ids: $ids) { ${USER_FIELDS} } }`,
    variables: (id) => ({ ids: [bobId, id, bobId] }),
    foreignId: () => aliceId,
    secrets: aliceSecrets,
  },
  {
    name: 'node(id:) with a malformed id inside a User global id',
    document: `query ($id: ID!) { node(id: $id) { ${USER_FIELDS} } }`,
    variables: (id) => ({ id }),
    foreignId: () => encodeGlobalID('User', 'not-a-uuid'),
    missingId: () => missingGlobalId('User'),
  },
  {
    name: 'updateProfile cannot reach another account (it takes no id: it changes only the viewer)',
    document: 'mutation ($id: ID!) { updateProfile(input: { name: "Hijacked" }) { user { id } } node(id: $id) { id } }',
    variables: (id) => ({ id }),
    foreignId: () => aliceId,
    snapshot: aliceAccount,
  },
  {
    name: 'logoutEverywhere signs out only the viewer',
    document: 'mutation ($id: ID!) { logoutEverywhere { revokedSessions } }',
    variables: () => ({}),
    foreignId: () => aliceId,
    snapshot: aliceAccount,
  },
];

describe("another user's objects look exactly like missing ones", () => {
  it.each(cases.filter((testCase) => !testCase.name.startsWith('logoutEverywhere')))('$name', async (testCase) => {
    await expectIndistinguishableFromMissing(server, bob.token, testCase);
  });

  it('logoutEverywhere signs out only the viewer', async () => {
    const fresh = await seed(server).user().create();
    await expectIndistinguishableFromMissing(server, fresh.token, cases.find((testCase) => testCase.name.startsWith('logoutEverywhere'))!);
    expect((await server.graphql(graphql(`query CrossUserMe { me { id } }`), { token: alice.token })).errors).toBeUndefined();
  });

  it('while the owner sees their own object through the same operations', async () => {
    const own = await server.data(
      graphql(
        `query CrossUserNode($id: ID!) { node(id: $id) { ... on User { username } } nodes(ids: [$id]) { ... on User { username } } }`,
      ),
      { token: alice.token, variables: { id: aliceId } },
    );
    expect(own.node!.username).toBe(alice.user.username);
    expect(own.nodes).toEqual([{ username: alice.user.username }]);
  });

  it('a missing, foreign or malformed User id is a plain null, without errors', async () => {
    for (const id of [missingGlobalId('User'), aliceId, encodeGlobalID('User', 'not-a-uuid')]) {
      const result = await server.graphql(graphql(`query CrossUserNode2($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }`), {
        token: bob.token,
        variables: { id },
      });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ node: null, nodes: [null] });
    }
  });

  it('and the check itself notices a leak (so it cannot pass vacuously)', async () => {
    await expect(expectIndistinguishableFromMissing(server, alice.token, cases[0]!)).rejects.toThrow(/answers differently/);
  });

  it('never exposes a password hash anywhere in the schema', async () => {
    const result = await server.data(graphql(`query CrossUserType { __type(name: "User") { fields { name } } }`), {
      token: bob.token,
    });
    expect(result.__type!.fields!.map((field) => field.name.toLowerCase())).not.toContain('passwordhash');
  });
});
