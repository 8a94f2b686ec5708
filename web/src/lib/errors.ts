import type { CombinedError } from 'urql';
import type { Translate } from './i18n';

/** What went wrong, in words for the person, with the fields of their form it concerns. */
export interface Problem {
  readonly message: string;
  /** The server's own explanation, when the message above is a translation of its kind. */
  readonly detail?: string;
  /** Field name (as in the form, `input.` dropped) to what is wrong with it. */
  readonly fields: Readonly<Record<string, string>>;
}

const KNOWN_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'SERVICE_UNAVAILABLE',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

export function describeError(error: CombinedError, t: Translate): Problem {
  if (error.networkError && error.graphQLErrors.length === 0) return { message: t('error.network'), fields: {} };
  const first = error.graphQLErrors[0];
  if (!first) return { message: t('error.unexpected'), fields: {} };
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : '';
  const fields: Record<string, string> = {};
  for (const graphQLError of error.graphQLErrors) {
    const field = graphQLError.extensions?.field;
    if (typeof field === 'string') fields[field.replace(/^input\./, '')] = graphQLError.message;
  }
  if (!(KNOWN_CODES as readonly string[]).includes(code)) return { message: t('error.unexpected'), fields };
  const known = code as KnownCode;
  if (known === 'RATE_LIMITED') {
    const seconds = Number(first.extensions?.retryAfterSeconds);
    return {
      message: t('error.RATE_LIMITED', { seconds: Number.isFinite(seconds) ? Math.ceil(seconds) : 60 }),
      detail: first.message,
      fields,
    };
  }
  // The server explains expected failures in English; other languages get their kind in
  // their own words, with the explanation beside it.
  if (t.language === 'en') return { message: first.message, fields };
  return { message: t(`error.${known}`), detail: first.message, fields };
}

/** Whether an error means the session behind the token has ended (revoked or expired). */
export function isSessionEnded(error: CombinedError): boolean {
  return error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}
