import { encodeGlobalID } from '@pothos/plugin-relay';
import { graphql } from '../helpers/graphql.js';
import type { TestServer } from '../helpers/server.js';

/** A session with its first fifty messages, as the chat tests read it. */
graphql(`
  fragment ChatSessionFields on ChatSession {
    id
    title
    isActive
    createdAt
    updatedAt
    messageCount
    lastMessage { id role content }
    messages(first: 50) {
      totalCount
      edges { node { id role content createdAt tokensUsed actions { tool arguments outcome detail } } }
    }
  }
`);

export const SEND = graphql(`
  mutation ChatSend($input: SendChatMessageInput!) {
    sendChatMessage(input: $input) { chatSession { id title } message { id role content } }
  }
`);

const LAST_MESSAGE = graphql(`
  query ChatLastMessage($id: ID!) {
    chatSession(id: $id) { lastMessage { id role content } }
  }
`);

export const sessionGlobalId = (uuid: string) => encodeGlobalID('ChatSession', uuid);

/** Sends a message and waits until the assistant's reply is stored; returns the reply. */
export async function converse(server: TestServer, token: string, content: string, sessionId?: string) {
  const sent = await server.data(SEND, { token, variables: { input: { content, sessionId } } });
  await server.running.chat.idle();
  const data = await server.data(LAST_MESSAGE, { token, variables: { id: sent.sendChatMessage!.chatSession.id } });
  return {
    sessionId: sent.sendChatMessage!.chatSession.id,
    userMessage: sent.sendChatMessage!.message,
    reply: data.chatSession!.lastMessage!,
  };
}
