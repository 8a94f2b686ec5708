import { en } from './messages-en';
import { fa } from './messages-fa';

/** Every text of the app, by language; each language has every key of the English one. */
export type MessageKey = keyof typeof en;

export const messages = { en, fa } as const;
