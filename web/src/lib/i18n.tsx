import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { messages, type MessageKey } from './messages';
import type { Language } from './dates';

export type Translate = ((key: MessageKey, params?: Record<string, string | number>) => string) & { readonly language: Language };

const LANGUAGE_KEY = 'behflow.language';

export function storedLanguage(): Language {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    if (stored === 'en' || stored === 'fa') return stored;
  } catch {
    // No storage: fall back to the browser's language.
  }
  return navigator.language.toLowerCase().startsWith('fa') ? 'fa' : 'en';
}

export function storeLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // The choice then lasts for this page only.
  }
}

export function translator(language: Language): Translate {
  const table = messages[language];
  const numbers = new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-GB');
  const t = (key: MessageKey, params: Record<string, string | number> = {}) =>
    table[key].replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      return typeof value === 'number' ? numbers.format(value) : (value ?? '');
    });
  return Object.assign(t, { language });
}

const TranslateContext = createContext<Translate>(translator('en'));

export function TranslateProvider({ language, children }: { language: Language; children: ReactNode }) {
  const t = useMemo(() => translator(language), [language]);
  return <TranslateContext.Provider value={t}>{children}</TranslateContext.Provider>;
}

export function useT(): Translate {
  return useContext(TranslateContext);
}
