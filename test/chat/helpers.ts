import { encodeGlobalID } from '@pothos/plugin-relay';
import type { TestServer } from '../helpers/server.js';

export const SESSION_FIELDS = `id title isActive createdAt updatedAt messageCount
  lastMessage { id role content }
  messages(first: 50) { totalCount edges { node { id role content createdAt tokensUsed actions { tool arguments outcome detail } } } }`;

export const SEND = `mutation Send($input: SendChatMessageInput!) {
  sendChatMessage(input: $input) { chatSession { id title } message { id role content } }
}`;

export interface SentMessage {
  sendChatMessage: { chatSession: { id: string; title: string | null }; message: { id: string; role: string; content: string } };
}

export const sessionGlobalId = (uuid: string) => encodeGlobalID('ChatSession', uuid);

/** Sends a message and waits until the assistant's reply is stored; returns the reply. */
export async function converse(server: TestServer, token: string, content: string, sessionId?: string) {
  const sent = await server.data<SentMessage>(SEND, { token, variables: { input: { content, sessionId } } });
  await server.running.chat.idle();
  const data = await server.data<{ chatSession: { lastMessage: { id: string; role: string; content: string } } }>(
    `query($id: ID!) { chatSession(id: $id) { lastMessage { id role content } } }`,
    { token, variables: { id: sent.sendChatMessage.chatSession.id } },
  );
  return { sessionId: sent.sendChatMessage.chatSession.id, userMessage: sent.sendChatMessage.message, reply: data.chatSession.lastMessage };
}
