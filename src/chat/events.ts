// The events of a chat session: each stored message is logged to its session's stream in the
// transaction that stores it (see events/log.ts), and sent on to `chatMessageAdded`.
import type { NewEvent } from '../events/log.js';

/** The event stream of one chat session's messages. */
export const chatStream = (sessionId: string) => `chat:${sessionId}`;

/** The event a stored message is logged as, in the transaction that stores it. */
export const messageAdded = (sessionId: string, messageId: string): NewEvent => ({
  stream: chatStream(sessionId),
  topic: 'chat:message-added',
  payload: { messageId },
});
