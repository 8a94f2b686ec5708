// Text as the assistant compares it: Persian and Arabic-Indic digits as ASCII, Arabic letter
// forms as their Persian ones (ي → ی, ك → ک), no diacritics or tatweel, typographic quotes
// folded. The same folding is used to read commands and to match task names, so "كارها" and
// "کار‌ها" find the same task.
import { digitsArToEn, digitsFaToEn, toPersianChars } from '@persian-tools/persian-tools';

/** Zero-width non-joiner: the half-space of Persian words (می‌خواهم). */
export const ZWNJ = '\u200c';
const ARABIC_SCRIPT_LETTER = /[\u0620-\u064a\u0671-\u06d3\u06fa-\u06ff]/gu;
const LATIN_LETTER = /[A-Za-z]/g;

/** Digits as ASCII, Persian letter forms, no diacritics; everything else kept (ZWNJ too). */
export function normalizeScript(text: string): string {
  return toPersianChars(digitsArToEn(digitsFaToEn(text)))
    .replace(/[\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/\u060c/g, ',')
    .replace(/\u061f/g, '?')
    .replace(/\u061b/g, ';');
}

/** Whether a message is written in Persian: more Arabic-script letters than Latin ones. */
export function isPersianText(text: string): boolean {
  const persian = text.match(ARABIC_SCRIPT_LETTER)?.length ?? 0;
  const latin = text.match(LATIN_LETTER)?.length ?? 0;
  return persian > 0 && persian >= latin;
}

/** For comparing: normalised, lower case, half-spaces joined (کار‌ها = کارها), repeated spaces as one. */
export function fold(text: string): string {
  return normalizeScript(text).toLowerCase().replace(new RegExp(ZWNJ, 'g'), '').replace(/\s+/g, ' ').trim();
}
