import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, validate, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { operationCost } from '../../src/schema/cost.js';
import { PAGE_SIZES, TYPICAL_VARIABLES } from '../../web/src/graphql/usage.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/**
 * The web app's operations (web/src/graphql/*.graphql) are those the cost model is judged
 * on: each is valid against the schema, within today's limits with the variables the app
 * sends, and each query answers a signed-in user without an error.
 */
const dir = path.resolve(import.meta.dirname, '../../web/src/graphql');
const source = readdirSync(dir)
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => readFileSync(path.join(dir, file), 'utf8'))
  .join('\n');
const document = parse(source);
const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

/** One operation with the fragments it uses, as the app sends it. */
function documentOf(operation: OperationDefinitionNode): DocumentNode {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.find((f) => f.name.value === spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  collect(operation);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...used.values()] };
}

const LIMIT = 5_000;

describe('the web app operations', () => {
  it('are all valid against the schema, each named, each with the variables of a typical call', () => {
    expect(validate(schema, document)).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(25);
    const names = operations.map((operation) => operation.name?.value);
    expect(names.every(Boolean)).toBe(true);
    expect(names.filter((name) => !(name! in TYPICAL_VARIABLES))).toEqual([]);
    expect(Object.keys(TYPICAL_VARIABLES).filter((name) => !names.includes(name))).toEqual([]);
  });

  it('stay within the complexity, depth and breadth limits with the page sizes the screens ask for', () => {
    const costs = operations.map((operation) => {
      const name = operation.name!.value;
      const result = operationCost(schema, documentOf(operation), TYPICAL_VARIABLES[name]);
      return { name, ...result };
    });
    // Printed for whoever calibrates the cost model on these operations.
    process.stdout.write(
      `[web operations] cost / depth / breadth\n${costs.map((c) => `  ${c.name}: ${c.complexity} / ${c.depth} / ${c.breadth}`).join('\n')}\n`,
    );
    const over = costs.filter((c) => c.complexity > LIMIT || c.depth > 12 || c.breadth > 200);
    expect(over).toEqual([]);
    // The page sizes are the real ones: a task page costs one per task of its page, and more
    // for what each task selects besides its own row (its owner).
    const taskList = costs.find((c) => c.name === 'TaskList')!;
    expect(taskList.complexity).toBeGreaterThan(PAGE_SIZES.tasks * 2);
  });

  describe('against the server', () => {
    let server: TestServer;
    let token: string;
    beforeAll(async () => {
      server = await startTestServer();
      ({ token } = await seed(server).user().admin().create());
      await server.data(
        graphql(
          `mutation OperationsCreateTask { createTask(input: { name: "Write the report", tags: ["work"], priority: HIGH }) { task { id } } }`,
        ),
        {
          token,
        },
      );
    });

    it('answers every query the app makes, signed in, without an error', async () => {
      const queries = operations.filter((operation) => operation.operation === 'query');
      expect(queries.length).toBeGreaterThanOrEqual(6);
      for (const operation of queries) {
        const name = operation.name!.value;
        const result = await server.graphql(print(documentOf(operation)), { token, variables: TYPICAL_VARIABLES[name] });
        // ChatConversation asks for an ID that does not exist: null, not an error.
        expect({ name, errors: result.errors ?? [] }).toEqual({ name, errors: [] });
      }
    });
  });
});
