import type { AssistantConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createOpenAIProvider } from './openai.js';
import type { AssistantProvider } from './provider.js';

/** The assistant the configuration asks for: built-in (offline) unless a language model is configured. */
export function createAssistantProvider(config: AssistantConfig, logger: Logger): AssistantProvider {
  if (config.provider === 'openai') {
    return createOpenAIProvider({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      model: config.model,
      timeoutMs: config.timeoutMs,
      logger,
    });
  }
  return lazyBuiltinProvider();
}

/**
 * The built-in assistant, loaded with its language data (dates in two calendars, Persian and
 * English words) on the first message rather than at start: a server that is never asked
 * anything does not hold it in memory.
 */
function lazyBuiltinProvider(): AssistantProvider {
  let loaded: Promise<AssistantProvider> | null = null;
  return {
    name: 'builtin',
    async reply(request) {
      loaded ??= import('./builtin/provider.js').then((module) => module.createBuiltinProvider());
      return (await loaded).reply(request);
    },
  };
}
