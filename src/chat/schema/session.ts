// A chat session over GraphQL: the type, its queries, and its mutations (create, rename, archive, delete).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../schema/builder.js';
import { documentedConnection } from '../../schema/connection.js';
import { READS_ROWS } from '../../schema/cost.js';
import { isSignedIn } from '../../schema/context.js';
import { OrderDirection } from '../../schema/order.js';
import { windowOf } from '../../db/related-rows.js';
import { MAX_TITLE_LENGTH, ownedSessionWhere } from '../rules.js';
import { MessageConnection } from './message.js';
import { sessionField, sessionIdOf } from './shared.js';

export const ChatSession = builder.prismaNode('ChatSession', {
  description: 'A conversation between a user and the assistant. Only its owner sees it.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { authenticated: true },
  findUnique: (id, context) => ownedSessionWhere(context.viewer?.id ?? null, id),
  fields: (t) => ({
    title: t.exposeString('title', {
      nullable: true,
      description: 'The title; a new session sent without one is titled after its first message.',
    }),
    isActive: t.exposeBoolean('isActive', { description: 'False once archived.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the session was started.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'The last activity: a message, a rename or an archive change.' }),
    messages: t.prismaConnection(
      {
        type: 'ChatMessage',
        description: 'The messages, oldest first.',
        cursor: 'id',
        // Read for all the sessions of a list at once, one page per session (see db/related-rows.ts);
        // Prisma's relation loading would read every message of every session.
        resolve: (query, session, _args, context) => context.chat.messagesOf(context.loaders.relations, session.id, windowOf(query), query),
        totalCount: (session, _args, context) => context.chat.messageCountOf(context.loaders.relations, session.id),
      },
      MessageConnection,
    ),
    lastMessage: t.prismaField({
      type: 'ChatMessage',
      nullable: true,
      description: 'The newest message, if any.',
      // Batched across the sessions of a list, one row per session.
      resolve: (query, session, _args, context) => context.chat.lastMessageOf(context.loaders.relations, session.id, query),
    }),
    messageCount: t.int({
      description: 'How many messages the session has.',
      extensions: READS_ROWS,
      resolve: (session, _args, context) => context.chat.messageCountOf(context.loaders.relations, session.id),
    }),
  }),
});

const ChatSessionFilter = builder.inputType('ChatSessionFilter', {
  description: 'Which chat sessions to list.',
  fields: (t) => ({
    includeArchived: t.boolean({ defaultValue: false, description: 'Also list archived sessions (false by default).' }),
    archivedOnly: t.boolean({ defaultValue: false, description: 'List only archived sessions.' }),
    search: t.string({
      description:
        'Sessions whose title holds every word of this text, in any case and anywhere in it (`plan` finds "Weekly planning"); at most 200 characters and 10 words.',
    }),
  }),
});

const ChatSessionOrderFieldEnum = builder.enumType('ChatSessionOrderField', {
  description: 'What chat sessions can be sorted by. Ties are broken by ID, so cursors stay stable.',
  values: {
    LAST_ACTIVITY: {
      value: 'LAST_ACTIVITY',
      description: 'When a message was last added to the session, or the session last changed (renamed, archived).',
    },
    CREATED_AT: { value: 'CREATED_AT', description: 'When the session was started.' },
  } as const,
});

const ChatSessionOrderInput = builder.inputType('ChatSessionOrder', {
  description: 'One sort key for chat sessions.',
  fields: (t) => ({
    field: t.field({ type: ChatSessionOrderFieldEnum, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way to sort.' }),
  }),
});

const SessionConnection = documentedConnection(
  ChatSession,
  'ChatSession',
  { one: 'chat session', many: 'chat sessions' },
  'How many sessions match the filter in all.',
);

// The root type's scope lets only signed-in callers this far. `withAuth` would retype the shared
// connection type with its narrowed context, so this field narrows the context itself.
builder.queryField('chatSessions', (t) =>
  t.prismaConnection(
    {
      type: 'ChatSession',
      cursor: 'id',
      description:
        "The viewer's chat sessions, most recent activity first unless `orderBy` says otherwise; archived ones only when the filter asks.",
      args: {
        filter: t.arg({ type: ChatSessionFilter, required: false, description: 'Which sessions to list.' }),
        orderBy: t.arg({
          type: [ChatSessionOrderInput],
          required: false,
          description: 'Sort keys, most significant first; `[{ field: LAST_ACTIVITY, direction: DESC }]` by default.',
        }),
      },
      totalCount: (_connection, args, context) => (isSignedIn(context) ? context.chat.countSessions(context.viewer, args.filter) : 0),
      resolve: (query, _root, args, context) =>
        isSignedIn(context) ? context.chat.listSessions(context.viewer, { filter: args.filter, orderBy: args.orderBy }, query) : [],
    },
    SessionConnection,
  ),
);

builder.queryField('chatSession', (t) =>
  t.withAuth({ authenticated: true }).prismaField({
    type: 'ChatSession',
    nullable: true,
    description: "One of the viewer's chat sessions by ID; null when it does not exist or is not the viewer's.",
    args: { id: t.arg.id({ required: true, description: 'The global ID of the session.' }) },
    resolve: (query, _root, args, context) => context.chat.findSession(context.viewer, sessionIdOf(args.id), query),
  }),
);

// ---- mutations -----------------------------------------------------------------------------

function sessionPayload(name: string, description: string) {
  return builder.objectRef<{ sessionId: string }>(name).implement({
    description,
    fields: (t) => ({ chatSession: t.prismaField(sessionField('The session after the change.')) }),
  });
}

const CreateChatSessionInput = builder.inputType('CreateChatSessionInput', {
  description: 'A new, empty chat session.',
  fields: (t) => ({
    title: t.string({ required: false, description: `Its title (at most ${MAX_TITLE_LENGTH} characters).` }),
  }),
});
const CreateChatSessionPayload = sessionPayload('CreateChatSessionPayload', 'The result of `createChatSession`.');

builder.mutationField('createChatSession', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: CreateChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Starts a new, empty chat session. (Sending a message without a session also starts one.)',
    args: { input: t.arg({ type: CreateChatSessionInput, required: true, description: 'The session to create.' }) },
    resolve: async (_root, args, context) => {
      const session = await context.chat.createSession(context.viewer, args.input.title);
      return { sessionId: session.id };
    },
  }),
);

const RenameChatSessionInput = builder.inputType('RenameChatSessionInput', {
  description: 'A new title for a chat session.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The global ID of the session.' }),
    title: t.string({ required: false, description: `The new title (at most ${MAX_TITLE_LENGTH} characters); null or blank removes it.` }),
  }),
});
const RenameChatSessionPayload = sessionPayload('RenameChatSessionPayload', 'The result of `renameChatSession`.');

builder.mutationField('renameChatSession', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: RenameChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Renames one of the viewer's chat sessions.",
    args: { input: t.arg({ type: RenameChatSessionInput, required: true, description: 'Which session, and its new title.' }) },
    resolve: async (_root, args, context) => {
      const id = sessionIdOf(args.input.id);
      await context.chat.renameSession(context.viewer, id, args.input.title);
      return { sessionId: id };
    },
  }),
);

const ArchiveChatSessionInput = builder.inputType('ArchiveChatSessionInput', {
  description: 'Archives (or brings back) a chat session.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The global ID of the session.' }),
    archived: t.boolean({ defaultValue: true, description: 'True to archive (the default), false to bring it back.' }),
  }),
});
const ArchiveChatSessionPayload = sessionPayload('ArchiveChatSessionPayload', 'The result of `archiveChatSession`.');

builder.mutationField('archiveChatSession', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ArchiveChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description:
      'Archives a chat session: it leaves the default `chatSessions` list but keeps its messages. Sending a message to it brings it back.',
    args: { input: t.arg({ type: ArchiveChatSessionInput, required: true, description: 'Which session, and whether to archive it.' }) },
    resolve: async (_root, args, context) => {
      const id = sessionIdOf(args.input.id);
      await context.chat.setArchived(context.viewer, id, args.input.archived ?? true);
      return { sessionId: id };
    },
  }),
);

const DeleteChatSessionInput = builder.inputType('DeleteChatSessionInput', {
  description: 'A chat session to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The global ID of the session.' }) }),
});
const DeleteChatSessionPayload = builder.objectRef<{ sessionId: string }>('DeleteChatSessionPayload').implement({
  description: 'The result of `deleteChatSession`.',
  fields: (t) => ({
    deletedChatSessionId: t.id({
      description: 'The global ID of the deleted session, to remove it from client caches.',
      resolve: (payload) => encodeGlobalID('ChatSession', payload.sessionId),
    }),
  }),
});

builder.mutationField('deleteChatSession', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: DeleteChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Deletes a chat session and all its messages, for good. A reply still being produced is dropped.',
    args: { input: t.arg({ type: DeleteChatSessionInput, required: true, description: 'The session to delete.' }) },
    resolve: async (_root, args, context) => {
      const id = sessionIdOf(args.input.id);
      await context.chat.deleteSession(context.viewer, id);
      return { sessionId: id };
    },
  }),
);
