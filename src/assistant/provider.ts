// What every assistant (built-in or a language model) is given and gives back.
import type { ToolName } from './tool-schemas.js';

/** One tool call the assistant made for a reply, kept with the reply (chat_messages.actions). */
export interface AssistantAction {
  readonly tool: string;
  readonly arguments: Record<string, unknown>;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  /** A one-line account of the result or of the failure. */
  readonly detail: string;
}

export type ToolResult = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string };

/** Runs tools for the session's owner and records each call as an action. */
export interface ToolRunner {
  run(tool: ToolName | string, args: Record<string, unknown>): Promise<ToolResult>;
  /** Records a call that cannot be run as sent (e.g. arguments that are not JSON) and returns its error. */
  refuse(tool: string, rawArguments: string, error: string): ToolResult;
}

export interface HistoryMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

export interface ReplyRequest {
  /** The conversation so far, oldest first; the last entry is the message to answer. */
  readonly history: readonly HistoryMessage[];
  /** The system instructions (the current time in both calendars, the user's zone, the rules). */
  readonly instructions: string;
  readonly tools: ToolRunner;
  /** The reference instant for relative dates ("tomorrow"). */
  readonly now: Date;
  readonly timeZone: string;
  /** Aborted when the reply must stop (shutdown). */
  readonly signal: AbortSignal;
  /**
   * What the previous reply of this session left for this one (see ReplyResult.state), as
   * stored: unchecked JSON, or null. Any instance may produce the next reply.
   */
  readonly state?: unknown;
  /** Receives the reply's text as it is produced. */
  onDelta(text: string): void;
}

export interface ReplyResult {
  /** The whole reply (Markdown). */
  readonly content: string;
  readonly tokensUsed: number | null;
  /** What the next reply needs to know (a question asked, the tasks it was about), stored with this reply. */
  readonly state?: unknown;
}

export interface AssistantProvider {
  readonly name: 'builtin' | 'openai';
  reply(request: ReplyRequest): Promise<ReplyResult>;
}

/** A failure of the assistant that the user should be told about in the chat. */
export class AssistantUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssistantUnavailableError';
  }
}
