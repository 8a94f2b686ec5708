// A chat message over GraphQL: the type, `sendChatMessage`, and `chatMessageAdded`, the live
// stream of a session's messages.
import type { AssistantAction } from '../../assistant/provider.js';
import type { StreamItem } from '../../events/streams.js';
import { builder } from '../../schema/builder.js';
import { documentedConnection } from '../../schema/connection.js';
import { eventCursor, sequenceAfter } from '../../schema/event-cursor.js';
import { chatStream } from '../events.js';
import { MAX_MESSAGE_LENGTH, ownedMessageWhere } from '../rules.js';
import { ownedSessionId, sessionField, sessionIdOf } from './shared.js';

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
  findUnique: (id, context) => ownedMessageWhere(context.viewer?.id ?? null, id),
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

export const MessageConnection = documentedConnection(
  ChatMessage,
  'ChatMessage',
  { one: 'chat message', many: 'chat messages' },
  'How many messages the session has in all.',
);

// ---- mutation ------------------------------------------------------------------------------

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
      resolve: (query, payload, _args, context) => context.chat.storedMessage(payload.messageId, query),
    }),
  }),
});

builder.mutationField('sendChatMessage', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: SendChatMessagePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description:
      'Stores a message for the assistant and returns at once; the assistant answers in the background. One reply at a time per session: while the assistant is still answering, another message to the same session is refused with CONFLICT (and not stored).',
    args: { input: t.arg({ type: SendChatMessageInput, required: true, description: 'The message and its session.' }) },
    resolve: async (_root, args, context) => {
      const sessionId = args.input.sessionId ? sessionIdOf(args.input.sessionId) : null;
      const { session, message } = await context.chat.sendMessage(context.viewer, { sessionId, content: args.input.content });
      return { sessionId: session.id, messageId: message.id };
    },
  }),
);

// ---- subscription --------------------------------------------------------------------------

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
        item.kind === 'event' ? context.chat.findMessage(context.viewer, (item.payload as { messageId: string }).messageId, query) : null,
    }),
  }),
});

builder.subscriptionField('chatMessageAdded', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ChatMessageEvent,
    description:
      "Every new message of one of the viewer's sessions, the viewer's own and the assistant's replies, in order. With `after`, the messages since that event come first.",
    args: {
      sessionId: t.arg.id({ required: true, description: 'The global ID of the session.' }),
      after: t.arg.string({
        description: "Resume after this event's `cursor`: the events since come first, or a single REFETCH when they are no longer kept.",
      }),
    },
    subscribe: async (_root, args, context) => {
      const stream = chatStream(await ownedSessionId(context, args.sessionId));
      return context.streams.subscribe(stream, { after: sequenceAfter(args.after, stream) });
    },
    resolve: (item) => item,
  }),
);
