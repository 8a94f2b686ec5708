import type { AssistantConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createBuiltinProvider } from './builtin/provider.js';
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
  return createBuiltinProvider();
}
