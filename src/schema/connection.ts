import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';

/**
 * A named, documented connection type (`<Name>Connection` with `totalCount`, and
 * `<Name>Edge`) for a node type, reusable by every field that lists that type. The Pothos
 * Prisma plugin would otherwise make an undocumented connection type per field.
 */
export function documentedConnection<Shape>(
  type: ObjectRef<any, Shape>,
  name: string,
  noun: { readonly one: string; readonly many: string },
  countDescription: string,
) {
  return builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      description: `A page of ${noun.many}.`,
      fields: (t) => ({
        totalCount: t.int({
          description: countDescription,
          // Lets the plugin answer a `totalCount`-only selection with a single COUNT.
          extensions: { pothosPrismaTotalCount: true },
          // Top-level connections hand over a loader, related ones the loaded number.
          resolve: (parent) => {
            const total = (parent as unknown as { totalCount: number | (() => number | Promise<number>) }).totalCount;
            return typeof total === 'function' ? total() : total;
          },
        }),
      }),
    },
    { name: `${name}Edge`, description: `A ${noun.one} in a page, with its cursor.` },
  );
}
