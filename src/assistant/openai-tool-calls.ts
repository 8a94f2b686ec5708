// Tool calls put back together from a streamed chat completion, as the common servers send
// them: OpenAI (an index per call, its id and name first, the arguments in fragments), vLLM
// (the same, sometimes with an empty id on later fragments or the name repeated on the last),
// and Ollama (each call whole in one fragment; older versions send no index, newer ones index
// 0 for every call of a turn, each with its own id).

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ToolCallFragment {
  index?: number | null;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | Record<string, unknown> | null } | null;
}

/** Whether `text` is already a whole JSON value (so more text must belong to another call). */
function isWholeJson(text: string): boolean {
  if (!text.trim()) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export class ToolCallAssembler {
  private readonly calls: ToolCall[] = [];
  /** The call each index is currently filling. */
  private readonly byIndex = new Map<number, ToolCall>();

  take(fragment: ToolCallFragment): void {
    const name = fragment.function?.name || '';
    const raw = fragment.function?.arguments;
    const args = typeof raw === 'string' ? raw : raw && typeof raw === 'object' ? JSON.stringify(raw) : '';
    const index = typeof fragment.index === 'number' ? fragment.index : null;
    let call = index === null ? (fragment.id || name ? undefined : this.calls.at(-1)) : this.byIndex.get(index);
    if (index === null && fragment.id && this.calls.at(-1)?.id === fragment.id) call = this.calls.at(-1);
    // Another call at an index already in use: a different id, a different name, or new
    // arguments after a whole JSON value.
    if (
      call &&
      ((fragment.id && call.id && fragment.id !== call.id) ||
        (name && call.function.name && name !== call.function.name) ||
        (args.trimStart().startsWith('{') && isWholeJson(call.function.arguments)))
    ) {
      call = undefined;
    }
    if (!call) {
      call = { id: '', type: 'function', function: { name: '', arguments: '' } };
      this.calls.push(call);
      if (index !== null) this.byIndex.set(index, call);
    }
    if (fragment.id && !call.id) call.id = fragment.id;
    if (name && !call.function.name) call.function.name = name;
    if (args) call.function.arguments += args;
  }

  /** The calls in the order they began, each with an id (made up where the server sent none). */
  result(): ToolCall[] {
    return this.calls.filter((call) => call.function.name).map((call, index) => ({ ...call, id: call.id || `call_${index}` }));
  }
}

/**
 * A call's arguments as an object, or the reason they are not one. An empty string is no
 * arguments; anything but a JSON object is refused and never passed to a tool.
 */
export function argumentsOf(call: ToolCall): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } {
  const text = call.function.arguments.trim();
  if (!text) return { ok: true, args: {} };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { ok: true, args: parsed as Record<string, unknown> };
    return { ok: false, error: 'The arguments must be a JSON object.' };
  } catch {
    return { ok: false, error: 'The arguments were not valid JSON; send them again as one JSON object.' };
  }
}
