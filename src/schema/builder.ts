import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { getDatamodel } from '../generated/pothos-types.js';
import type PrismaTypes from '../generated/pothos-types.js';
import type { Context, SignedInContext } from './context.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, fieldCost } from './cost.js';
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from '../errors.js';
import { decodeGlobalIdOrNothing } from './global-ids.js';

/** How many objects one `nodes(ids:)` may fetch: more would be one unbounded database read. */
export const MAX_NODES_PER_REQUEST = 100;

/**
 * Whether a decoded global ID's type is one `node(id:)` can load. An ID naming any other type
 * (unknown, not a Node, or undecodable, see `decodeGlobalID` below) names no object: null, like
 * a missing one.
 */
function namesNodeType(typename: string, info: GraphQLResolveInfo): boolean {
  const type = info.schema.getType(typename);
  return isObjectType(type) && type.getInterfaces().some((face) => face.name === 'Node');
}

type DecodedGlobalId = { typename: string; id: unknown };

/** Loads objects by decoded global ID; bound to the builder once it exists (below it). */
let loadNodes: (context: Context, info: GraphQLResolveInfo, ids: ReadonlyArray<DecodedGlobalId | null>) => Promise<unknown[]>;

/** The builder holds plugins and options only; types live in their domain folders. */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** A signed-in user. */
    authenticated: boolean;
    /** A signed-in administrator. */
    admin: boolean;
  };
  // What a field declaring a scope with `t.withAuth({ authenticated: true })` (or `admin`)
  // receives: a context whose viewer is there, so its resolver needs no check of its own.
  AuthContexts: {
    authenticated: SignedInContext;
    admin: SignedInContext;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // Non-null unless a field says otherwise: nullable means "may be absent".
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  scopeAuth: {
    // Checked when a subscription starts, not at its first event: no stream is opened for
    // someone who may not have it.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      authenticated: context.viewer !== null,
      admin: context.viewer?.role === 'admin',
    }),
    unauthorizedError: (_parent, context) => (context.viewer ? new ForbiddenError() : new UnauthenticatedError()),
  },
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    // A resolver that ignores the query plugin-prisma prepared for it reads too much or too little: a bug, caught in development and tests.
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
  relay: {
    clientMutationId: 'omit',
    // A global ID that does not decode names no type, so node(id:) answers null for it as for
    // any missing object (fields taking IDs use `rowIdOf` from global-ids.ts, the same way).
    decodeGlobalID: decodeGlobalIdOrNothing,
    cursorType: 'String',
    edgesFieldOptions: { nullable: false, description: 'The items of this page, each with its cursor.' },
    nodeFieldOptions: { nullable: false, description: 'The item at the end of the edge.' },
    nodeTypeOptions: { description: 'An object with a globally unique, opaque ID that `node(id:)` can refetch.' },
    idFieldOptions: { description: 'The globally unique, opaque ID of this object.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection stands in the whole list.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page (when paginating forward).' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page (when paginating backward).' },
    startCursorFieldOptions: { description: 'The cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'The cursor of the last item of this page.' },
    cursorFieldOptions: { description: 'An opaque cursor for this item, to pass as `after` or `before`.' },
    pageInfoFieldOptions: { description: 'How this page relates to the rest of the list.' },
    // `nodes` beside `edges`, as GitHub's API has it: the page's items without cursors.
    nodesOnConnection: {
      description: 'The items of this page, without their cursors (the same as `edges { node }`).',
      extensions: { connectionNodes: true },
    },
    firstArgOptions: {
      description: `Return at most this many items from the start (after \`after\`); ${DEFAULT_PAGE_SIZE} by default. More than ${MAX_PAGE_SIZE}, a negative number, or \`first\` together with \`last\` is refused with BAD_USER_INPUT naming the argument.`,
    },
    lastArgOptions: {
      description: `Return at most this many items from the end (before \`before\`). More than ${MAX_PAGE_SIZE}, a negative number, or \`last\` together with \`first\` is refused with BAD_USER_INPUT naming the argument.`,
    },
    afterArgOptions: { description: 'Return items after this cursor.' },
    beforeArgOptions: { description: 'Return items before this cursor.' },
    nodeQueryOptions: {
      description: 'Fetches any object by its global ID. Objects that do not exist or that the viewer may not see are null.',
      args: { id: { description: 'The global ID of the object.' } },
      resolve: (_root, args, _context, info, resolveNode) => (namesNodeType(args.id.typename, info) ? resolveNode(args.id) : null),
    },
    nodesQueryOptions: {
      description: `Fetches several objects (at most ${MAX_NODES_PER_REQUEST}) by their global IDs, in order; an entry is null where the object is missing or not visible.`,
      args: { ids: { description: `The global IDs of the objects, at most ${MAX_NODES_PER_REQUEST}.` } },
      resolve: (_root, args, context, info) => {
        if (args.ids.length > MAX_NODES_PER_REQUEST) {
          throw new BadUserInputError(`Give at most ${MAX_NODES_PER_REQUEST} IDs; ${args.ids.length} were given.`, 'ids');
        }
        return loadNodes(
          context,
          info,
          args.ids.map((id) => (namesNodeType(id.typename, info) ? id : null)),
        );
      },
    },
  },
  complexity: {
    // Every field's cost, connections by the page they ask for (see cost.ts). The limits are
    // checked on the whole operation before it runs (operation-limits.ts), not per resolver.
    fieldComplexity: fieldCost,
    disabled: true,
  },
});

loadNodes = (context, info, ids) => resolveNodes(builder, context, info, [...ids]);
