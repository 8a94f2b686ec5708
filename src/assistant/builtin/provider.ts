// The built-in assistant: works offline and costs no model. It reads a message (English or
// Persian) as an intent and its slots, or as the answer to the question it asked last, acts
// through the same tools a language model would use, and answers in short Markdown in the
// language of the message.
import type { AssistantProvider, ReplyRequest, ReplyResult } from '../provider.js';
import { isPersianText } from '../text.js';
import { act, actOnAnswer, type Scene, type Turn } from './act.js';
import { answerPending, readState, type AssistantState } from './conversation.js';
import { readEnglish } from './english.js';
import type { Language, ReadContext } from './intent.js';
import { readPersian } from './persian.js';
import { englishVoice } from './voice-en.js';
import { persianVoice } from './voice-fa.js';
import { streamingPieces } from './voice.js';

/** The language of a message; one without letters ("2", "۲") is in the language of the conversation. */
function languageOf(message: string, previous: AssistantState | null): Language {
  if (!/\p{L}/u.test(message)) return previous?.language ?? (/[\u06f0-\u06f9\u0660-\u0669]/u.test(message) ? 'fa' : 'en');
  return isPersianText(message) ? 'fa' : 'en';
}

export async function respond(
  message: string,
  request: Pick<ReplyRequest, 'tools' | 'now' | 'timeZone' | 'state'>,
): Promise<{ turn: Turn; state: AssistantState }> {
  const previous = readState(request.state ?? null);
  const language = languageOf(message, previous);
  const context: ReadContext = { now: request.now, timeZone: request.timeZone };
  const scene: Scene = {
    tools: request.tools,
    voice: language === 'fa' ? persianVoice(request.timeZone) : englishVoice,
    context,
    previous,
  };
  const answer = previous?.pending ? answerPending(message, previous.pending, language, context) : null;
  const turn = answer
    ? await actOnAnswer(scene, answer)
    : await act(scene, language === 'fa' ? readPersian(message, context) : readEnglish(message, context));
  // "it" still means the previous reply's tasks after a reply about none (help, a count).
  const focus = turn.focus ?? previous?.focus;
  return {
    turn,
    state: { language, ...(focus?.length ? { focus: [...focus].slice(0, 100) } : {}), ...(turn.pending ? { pending: turn.pending } : {}) },
  };
}

export function createBuiltinProvider(): AssistantProvider {
  return {
    name: 'builtin',
    async reply(request: ReplyRequest): Promise<ReplyResult> {
      const last = request.history.at(-1);
      const { turn, state } = await respond(last?.content ?? '', request);
      for (const piece of streamingPieces(turn.content)) request.onDelta(piece);
      return { content: turn.content, tokensUsed: null, state };
    },
  };
}
