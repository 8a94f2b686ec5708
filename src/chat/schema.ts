import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import type { ChatMessage as ChatMessageRow } from '../db/prisma.js';
import type { ChatReplyEvent as ChatReplyEventPayload } from '../pubsub/index.js';
import type { StreamItem } from '../events/streams.js';
import { builder } from '../schema/builder.js';
import { eventCursor, sequenceAfter } from '../schema/event-cursor.js';
import { confinedCursor, documentedConnection } from '../schema/connection.js';
import type { Context, Viewer } from '../schema/context.js';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { windowOf } from '../db/related-rows.js';
import { READS_ROWS } from '../schema/cost.js';
import type { AssistantAction } from '../assistant/provider.js';
import { chatStream, MAX_MESSAGE_LENGTH, MAX_TITLE_LENGTH, sessionListOrder, sessionListWhere, type ChatActor } from './service.js';
import { OrderDirection } from '../schema/order.js';
import { sessionSummaries, type MessageQuery } from './summaries.js';

/** A UUID no row has: lookups for a signed-out caller match nothing. */
const NO_USER = '00000000-0000-0000-0000-000000000000';

function actorOf(context: Context): ChatActor {
  const viewer: Viewer | null = context.viewer;
  if (!viewer) throw new UnauthenticatedError();
  return { id: viewer.id, timeZone: viewer.timeZone, username: viewer.username };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The UUID inside a ChatSession global ID; another type's ID is treated as a missing session. */
function sessionIdFrom(globalId: string, field: string): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw new BadUserInputError('Not a valid ID.', field);
  }
  if (decoded.typename !== 'ChatSession' || !UUID.test(decoded.id)) throw new NotFoundError('Chat session');
  return decoded.id;
}

const ChatRole = builder.enumType('ChatRole', {
  description: 'Who wrote a chat message, as stored in the Behflow `chat_messages.role` column.',
  values: {
    USER: { value: 'user', description: 'The signed-in user.' },
    ASSISTANT: { value: 'assistant', description: 'The assistant, answering the user.' },
    SYSTEM: {
      value: 'system',
      description: 'Instructions or notices stored by the system (the original Behflow may store these); not written by the user.',
    },
    TOOL: { value: 'tool', description: 'The output of a tool, stored as a message of its own (as OpenAI-style chat histories do).' },
    OTHER: { value: 'other', description: 'A role this API does not know (the column holds any text): `roleName` has it as stored.' },
  } as const,
});

/** The stored role as the enum reads it: known values as they are (in any case), anything else OTHER. */
const KNOWN_ROLES = new Set(['user', 'assistant', 'system', 'tool']);
export const chatRoleOf = (stored: string): 'user' | 'assistant' | 'system' | 'tool' | 'other' => {
  const role = stored.trim().toLowerCase();
  return KNOWN_ROLES.has(role) ? (role as 'user' | 'assistant' | 'system' | 'tool') : 'other';
};

const ChatActionOutcome = builder.enumType('ChatActionOutcome', {
  description: 'How a tool call of the assistant ended.',
  values: {
    SUCCEEDED: { value: 'SUCCEEDED', description: 'The tool did what was asked.' },
    FAILED: { value: 'FAILED', description: 'The tool refused or failed; nothing was changed by this call.' },
  } as const,
});

const ChatAction = builder.objectRef<AssistantAction>('ChatAction').implement({
  description: 'One thing the assistant did while producing a reply: a tool it called, with what, and how it went.',
  fields: (t) => ({
    tool: t.exposeString('tool', { description: 'The tool, e.g. `add_task`, `search_tasks`, `complete_task`.' }),
    arguments: t.field({ type: 'JSON', description: 'The arguments the tool was called with.', resolve: (action) => action.arguments }),
    outcome: t.field({ type: ChatActionOutcome, description: 'Whether the call succeeded.', resolve: (action) => action.outcome }),
    detail: t.exposeString('detail', { description: 'A one-line account of the result, or why it failed.' }),
  }),
});

export const ChatMessage = builder.prismaNode('ChatMessage', {
  description: 'One message of a chat session, by the user or by the assistant.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { authenticated: true },
  findUnique: (id, context) => ({ id: UUID.test(id) ? id : NO_USER, session: { userId: context.viewer?.id ?? NO_USER } }),
  fields: (t) => ({
    role: t.field({
      type: ChatRole,
      description: 'Who wrote it.',
      resolve: (message) => chatRoleOf(message.role),
    }),
    roleName: t.exposeString('role', {
      description: 'The role exactly as stored (`user`, `assistant`, `system`, or whatever another writer stored).',
    }),
    content: t.exposeString('content', { description: 'The text, in Markdown.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was stored.' }),
    tokensUsed: t.exposeInt('tokensUsed', {
      nullable: true,
      description: 'Tokens the language model used for this reply, when a model produced it and reported them.',
    }),
    actions: t.field({
      type: [ChatAction],
      nullable: true,
      // A reply takes a few actions (a model gets at most four rounds of tool calls), not the
      // ten items an unknown list is priced at: a full page of messages with them stays affordable.
      complexity: { field: 1, multiplier: 3 },
      description: 'For an assistant reply, what the assistant did for it, in order (empty when it only talked); null for user messages.',
      resolve: (message) => (Array.isArray(message.actions) ? (message.actions as unknown as AssistantAction[]) : null),
    }),
    session: t.relation('session', { description: 'The session this message belongs to.' }),
  }),
});

const MessageConnection = documentedConnection(
  ChatMessage,
  'ChatMessage',
  { one: 'chat message', many: 'chat messages' },
  'How many messages the session has in all.',
);

export const ChatSession = builder.prismaNode('ChatSession', {
  description: 'A conversation between a user and the assistant. Only its owner sees it.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { authenticated: true },
  findUnique: (id, context) => ({ id: UUID.test(id) ? id : NO_USER, userId: context.viewer?.id ?? NO_USER }),
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
        // Read for all the sessions of a list at once, one page per session (see summaries.ts);
        // Prisma's relation loading would read every message of every session.
        resolve: (query, session, _args, context) => sessionSummaries(context).messages(session.id, windowOf(query), query as MessageQuery),
        totalCount: (session, _args, context) => sessionSummaries(context).messageCount(session.id),
      },
      MessageConnection,
    ),
    lastMessage: t.prismaField({
      type: 'ChatMessage',
      nullable: true,
      description: 'The newest message, if any.',
      // Batched across the sessions of a list, one row per session (see summaries.ts).
      resolve: (query, session, _args, context) => sessionSummaries(context).lastMessage(session.id, query),
    }),
    messageCount: t.int({
      description: 'How many messages the session has.',
      extensions: READS_ROWS,
      resolve: (session, _args, context) => sessionSummaries(context).messageCount(session.id),
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

builder.queryField('chatSessions', (t) =>
  t.prismaConnection(
    {
      type: 'ChatSession',
      cursor: 'id',
      description:
        "The viewer's chat sessions, most recent activity first unless `orderBy` says otherwise; archived ones only when the filter asks.",
      authScopes: { authenticated: true },
      args: {
        filter: t.arg({ type: ChatSessionFilter, required: false, description: 'Which sessions to list.' }),
        orderBy: t.arg({
          type: [ChatSessionOrderInput],
          required: false,
          description: 'Sort keys, most significant first; `[{ field: LAST_ACTIVITY, direction: DESC }]` by default.',
        }),
      },
      totalCount: (_connection, args, context) =>
        context.prisma.chatSession.count({ where: sessionListWhere(actorOf(context).id, args.filter) }),
      resolve: (query, _root, args, context) =>
        context.prisma.chatSession.findMany({
          ...confinedCursor(query, { userId: actorOf(context).id }),
          where: sessionListWhere(actorOf(context).id, args.filter),
          orderBy: sessionListOrder(args.orderBy),
        }),
    },
    SessionConnection,
  ),
);

builder.queryField('chatSession', (t) =>
  t.prismaField({
    type: 'ChatSession',
    nullable: true,
    description: "One of the viewer's chat sessions by ID; null when it does not exist or is not the viewer's.",
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true, description: 'The global ID of the session.' }) },
    resolve: (query, _root, args, context) => {
      let id: string;
      try {
        id = sessionIdFrom(String(args.id), 'id');
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
      return context.prisma.chatSession.findFirst({ ...query, where: { id, userId: actorOf(context).id } });
    },
  }),
);

// Mutations ------------------------------------------------------------------------------------

interface SessionPayloadShape {
  sessionId: string;
}

const sessionField = (description: string) =>
  ({
    type: 'ChatSession' as const,
    description,
    resolve: (query: object, payload: SessionPayloadShape, _args: unknown, context: Context) =>
      context.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: payload.sessionId } }),
  }) as const;

function sessionPayload(name: string, description: string) {
  return builder.objectRef<SessionPayloadShape>(name).implement({
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
  t.field({
    type: CreateChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Starts a new, empty chat session. (Sending a message without a session also starts one.)',
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: CreateChatSessionInput, required: true, description: 'The session to create.' }) },
    resolve: async (_root, args, context) => {
      const session = await context.chat.createSession(actorOf(context), args.input.title);
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
  t.field({
    type: RenameChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Renames one of the viewer's chat sessions.",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: RenameChatSessionInput, required: true, description: 'Which session, and its new title.' }) },
    resolve: async (_root, args, context) => {
      const id = sessionIdFrom(String(args.input.id), 'input.id');
      await context.chat.renameSession(actorOf(context), id, args.input.title);
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
  t.field({
    type: ArchiveChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description:
      'Archives a chat session: it leaves the default `chatSessions` list but keeps its messages. Sending a message to it brings it back.',
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: ArchiveChatSessionInput, required: true, description: 'Which session, and whether to archive it.' }) },
    resolve: async (_root, args, context) => {
      const id = sessionIdFrom(String(args.input.id), 'input.id');
      await context.chat.setArchived(actorOf(context), id, args.input.archived ?? true);
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
  t.field({
    type: DeleteChatSessionPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Deletes a chat session and all its messages, for good. A reply still being produced is dropped.',
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: DeleteChatSessionInput, required: true, description: 'The session to delete.' }) },
    resolve: async (_root, args, context) => {
      const id = sessionIdFrom(String(args.input.id), 'input.id');
      await context.chat.deleteSession(actorOf(context), id);
      return { sessionId: id };
    },
  }),
);

const SendChatMessageInput = builder.inputType('SendChatMessageInput', {
  description: 'A message from the viewer to the assistant.',
  fields: (t) => ({
    sessionId: t.id({
      required: false,
      description: 'The global ID of the session; absent starts a new session titled after the message.',
    }),
    content: t.string({ required: true, description: `The message (1 to ${MAX_MESSAGE_LENGTH} characters, trimmed).` }),
  }),
});

const SendChatMessagePayload = builder.objectRef<{ sessionId: string; messageId: string }>('SendChatMessagePayload').implement({
  description: 'The result of `sendChatMessage`: the stored message. The reply follows on `chatMessageAdded` and `chatReplyStream`.',
  fields: (t) => ({
    chatSession: t.prismaField(sessionField('The session the message was added to (new if none was given).')),
    message: t.prismaField({
      type: 'ChatMessage',
      description: "The viewer's message as stored.",
      resolve: (query, payload, _args, context) =>
        context.prisma.chatMessage.findUniqueOrThrow({ ...query, where: { id: payload.messageId } }),
    }),
  }),
});

builder.mutationField('sendChatMessage', (t) =>
  t.field({
    type: SendChatMessagePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description:
      'Stores a message for the assistant and returns at once; the assistant answers in the background. One reply at a time per session: while the assistant is still answering, another message to the same session is refused with CONFLICT (and not stored).',
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: SendChatMessageInput, required: true, description: 'The message and its session.' }) },
    resolve: async (_root, args, context) => {
      const sessionId = args.input.sessionId ? sessionIdFrom(String(args.input.sessionId), 'input.sessionId') : null;
      const { session, message } = await context.chat.sendMessage(actorOf(context), { sessionId, content: args.input.content });
      return { sessionId: session.id, messageId: message.id };
    },
  }),
);

// Subscriptions --------------------------------------------------------------------------------

/** Subscribing to a session that is missing or someone else's fails as NOT_FOUND. */
async function ownedSessionId(context: Context, globalId: string): Promise<string> {
  const actor = actorOf(context);
  const id = sessionIdFrom(globalId, 'sessionId');
  if (!(await context.chat.findSession(actor, id))) throw new NotFoundError('Chat session');
  return id;
}

function loadOwnedMessage(context: Context, messageId: string, query: object = {}): Promise<ChatMessageRow | null> {
  return context.prisma.chatMessage.findFirst({ ...query, where: { id: messageId, session: { userId: context.viewer?.id ?? NO_USER } } });
}

const ChatMessageEventType = builder.enumType('ChatMessageEventType', {
  description: 'What a chat message event reports.',
  values: {
    ADDED: { value: 'ADDED', description: 'A message was stored: `message` is it.' },
    REFETCH: {
      value: 'REFETCH',
      description:
        "Events asked for with `after` are no longer kept: read the session's messages again, then go on from this event's `cursor`.",
    },
  } as const,
});

const ChatMessageEvent = builder.objectRef<StreamItem>('ChatMessageEvent').implement({
  description: "A new message of one of the viewer's sessions, with its place in the session's stream.",
  fields: (t) => ({
    type: t.field({
      type: ChatMessageEventType,
      description: 'What this event reports.',
      resolve: (item) => (item.kind === 'event' ? 'ADDED' : 'REFETCH'),
    }),
    cursor: t.string({
      description: 'Where this event stands in the stream: pass it as `after` when subscribing again to get every message since.',
      resolve: (item) => eventCursor(item),
    }),
    message: t.prismaField({
      type: 'ChatMessage',
      nullable: true,
      description: 'The message as stored; null for REFETCH (and if it was deleted since).',
      resolve: (query, item, _args, context) =>
        item.kind === 'event' ? loadOwnedMessage(context, (item.payload as { messageId: string }).messageId, query) : null,
    }),
  }),
});

builder.subscriptionField('chatMessageAdded', (t) =>
  t.field({
    type: ChatMessageEvent,
    description:
      "Every new message of one of the viewer's sessions, the viewer's own and the assistant's replies, in order. With `after`, the messages since that event come first.",
    authScopes: { authenticated: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The global ID of the session.' }),
      after: t.arg.string({
        description: "Resume after this event's `cursor`: the events since come first, or a single REFETCH when they are no longer kept.",
      }),
    },
    subscribe: async (_root, args, context) => {
      const stream = chatStream(await ownedSessionId(context, String(args.sessionId)));
      return context.streams.subscribe(stream, { after: sequenceAfter(args.after, stream) });
    },
    resolve: (item) => item,
  }),
);

const ChatReplyEventKind = builder.enumType('ChatReplyEventKind', {
  description: 'What a step of a streamed reply carries.',
  values: {
    DELTA: { value: 'DELTA', description: 'More text of the reply: append `text` to what came before.' },
    DONE: { value: 'DONE', description: 'The reply is complete and stored as `message`.' },
    ERROR: { value: 'ERROR', description: 'The assistant could not answer; `text` says why and `message` is the stored notice.' },
  } as const,
});

const ChatReplyEvent = builder.objectRef<ChatReplyEventPayload>('ChatReplyEvent').implement({
  description: "One step of the assistant's reply as it is produced.",
  fields: (t) => ({
    kind: t.field({ type: ChatReplyEventKind, description: 'What this step carries.', resolve: (event) => event.kind }),
    text: t.string({
      nullable: true,
      description: 'DELTA: the next piece of text. ERROR: the notice shown to the user.',
      resolve: (event) => (event.kind === 'DONE' ? null : event.text),
    }),
    messageId: t.id({
      nullable: true,
      description: 'DONE and ERROR: the global ID of the stored assistant message.',
      resolve: (event) => (event.kind !== 'DELTA' && event.messageId ? encodeGlobalID('ChatMessage', event.messageId) : null),
    }),
    message: t.field({
      type: ChatMessage,
      nullable: true,
      description: 'DONE and ERROR: the stored assistant message.',
      resolve: (event, _args, context) => (event.kind !== 'DELTA' && event.messageId ? loadOwnedMessage(context, event.messageId) : null),
    }),
  }),
});

builder.subscriptionField('chatReplyStream', (t) =>
  t.field({
    type: ChatReplyEvent,
    description:
      "The assistant's replies in one of the viewer's sessions as they are produced: text deltas, then DONE (or ERROR) with the stored message.",
    authScopes: { authenticated: true },
    args: { sessionId: t.arg.id({ required: true, description: 'The global ID of the session.' }) },
    subscribe: async (_root, args, context) => {
      const id = await ownedSessionId(context, String(args.sessionId));
      return context.pubsub.subscribe('chat:reply', id);
    },
    resolve: (event) => event,
  }),
);
