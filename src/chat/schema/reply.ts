// The assistant's reply as it is produced, over GraphQL: `chatReplyStream` and its events.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { ChatReplyEvent as ChatReplyEventPayload } from '../../pubsub/index.js';
import { builder } from '../../schema/builder.js';
import { ChatMessage } from './message.js';
import { ownedSessionId } from './shared.js';

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
      resolve: (event, _args, context) =>
        event.kind !== 'DELTA' && event.messageId ? context.chat.findMessage(context.viewer, event.messageId) : null,
    }),
  }),
});

builder.subscriptionField('chatReplyStream', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ChatReplyEvent,
    description:
      "The assistant's replies in one of the viewer's sessions as they are produced: text deltas, then DONE (or ERROR) with the stored message.",
    args: { sessionId: t.arg.id({ required: true, description: 'The global ID of the session.' }) },
    subscribe: async (_root, args, context) => {
      const id = await ownedSessionId(context, args.sessionId);
      return context.pubsub.subscribe('chat:reply', id);
    },
    resolve: (event) => event,
  }),
);
