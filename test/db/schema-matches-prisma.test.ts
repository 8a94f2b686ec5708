import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';

/**
 * Proves the migrations and prisma/schema.prisma describe the same database: every column
 * of every model has the type, nullability and name the schema declares, and no table
 * holds a column the schema does not know. (The Prisma CLI cannot diff here, so this
 * test is what keeps hand-written migrations honest.)
 */

interface ExpectedColumn {
  model: string;
  table: string;
  column: string;
  dataType: string;
  nullable: boolean;
}

function parsePrismaSchema(source: string): ExpectedColumn[] {
  const enums = new Map<string, string>();
  for (const match of source.matchAll(/^enum (\w+) \{([\s\S]*?)^\}/gm)) {
    const dbName = /@@map\("([^"]+)"\)/.exec(match[2]!)?.[1] ?? match[1]!;
    enums.set(match[1]!, dbName);
  }
  const modelNames = new Set([...source.matchAll(/^model (\w+) \{/gm)].map((match) => match[1]!));
  const columns: ExpectedColumn[] = [];
  for (const match of source.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const model = match[1]!;
    const body = match[2]!;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model;
    for (const line of body.split('\n')) {
      const field = /^\s+(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field || line.trim().startsWith('//') || line.trim().startsWith('@@')) continue;
      const [, name, type, list, optional, attributes] = field as unknown as [
        string,
        string,
        string,
        string | undefined,
        string | undefined,
        string,
      ];
      if (modelNames.has(type)) continue; // a relation, not a column
      const column = /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? name;
      const native = /@db\.(\w+)(?:\((\d+)\))?/.exec(attributes);
      let dataType: string;
      if (enums.has(type)) dataType = enums.get(type)!;
      else if (type === 'String' && native?.[1] === 'Uuid') dataType = 'uuid';
      else if (type === 'String' && native?.[1] === 'VarChar') dataType = `character varying(${native[2]})`;
      else if (type === 'String' && native?.[1] === 'Char') dataType = `character(${native[2]})`;
      else if (type === 'String') dataType = 'text';
      else if (type === 'DateTime' && native?.[1] === 'Timestamptz') dataType = 'timestamp with time zone';
      else if (type === 'Boolean') dataType = 'boolean';
      else if (type === 'Int') dataType = 'integer';
      else if (type === 'Json') dataType = 'jsonb';
      else if (type === 'BigInt') dataType = 'bigint';
      else throw new Error(`test does not know how ${model}.${name} (${type} ${native?.[0] ?? ''}) maps; extend it`);
      if (list) dataType = `${dataType}[]`;
      // Prisma keeps scalar lists as nullable arrays in PostgreSQL (Behflow's tags are nullable too).
      columns.push({ model, table, column, dataType, nullable: Boolean(optional) || Boolean(list) });
    }
  }
  return columns;
}

const expected = parsePrismaSchema(readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8'));
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: await createTestDatabase() });
  await client.connect();
});
afterAll(() => client.end());

async function catalogColumns(table: string) {
  const { rows } = await client.query<{ column: string; dataType: string; nullable: boolean }>(
    `SELECT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS "dataType", NOT a.attnotnull AS nullable
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  return rows;
}

describe('the migrated database matches prisma/schema.prisma', () => {
  it('parses every model of the schema', () => {
    const models = new Set(expected.map((column) => column.model));
    expect([...models].sort()).toEqual(
      expect.arrayContaining(['AutomatedProcess', 'AutomatedProcessExecution', 'ChatMessage', 'ChatSession', 'Task', 'User']),
    );
  });

  const tables = [...new Set(expected.map((column) => column.table))];
  it.each(tables)('table %s has exactly the declared columns, types and nullability', async (table) => {
    const actual = await catalogColumns(table);
    const declared = expected
      .filter((column) => column.table === table)
      .map(({ column, dataType, nullable }) => ({ column, dataType, nullable }));
    expect(actual.length).toBeGreaterThan(0);
    expect(new Map(actual.map((column) => [column.column, column]))).toEqual(new Map(declared.map((column) => [column.column, column])));
  });
});
