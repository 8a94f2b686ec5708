// Dates, times and durations in English, read with chrono-node in the user's zone, plus what
// chrono does not read: a day of the month alone ("on the 15th") and durations that shift a
// due date ("by a day", "2 hours later").
import * as chrono from 'chrono-node';
import { offsetMinutes } from '../../time/zone.js';
import type { DurationUnit, ReadContext, When } from './intent.js';
import { todayIn } from './when.js';

const PARTS_OF_DAY = /\b(?:morning|afternoon|evening|tonight|night|noon|midday|midnight|lunch(?:time)?)\b/i;
const TODAY_WORDS = /\b(?:today|tonight|this (?:morning|afternoon|evening))\b/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** "the 15th": the next 15th in the user's zone, today included. */
function nextDayOfMonth(day: number, context: ReadContext) {
  const today = todayIn(context.now, context.timeZone);
  let { year, month } = today;
  if (day < today.day) month += 1;
  for (let tries = 0; tries < 12; tries += 1, month += 1) {
    if (month > 12) {
      month = 1;
      year += 1;
    }
    if (day <= daysInMonth(year, month)) return { year, month, day };
  }
  return null;
}

function parserFor(context: ReadContext): chrono.Chrono {
  const parser = chrono.casual.clone();
  parser.parsers.push({
    pattern: () =>
      /\b(?:the\s+)(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))(?!\s*[:.]\d)/i,
    extract: (_context, match) => {
      const date = nextDayOfMonth(Number(match[1]), context);
      return date ? { day: date.day, month: date.month, year: date.year } : null;
    },
  });
  return parser;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  'a couple of': 2,
  'couple of': 2,
  'a couple': 2,
  'a few': 3,
  few: 3,
  several: 3,
};
const UNITS: Array<[RegExp, DurationUnit]> = [
  [/^(?:m|mins?|minutes?)$/i, 'minute'],
  [/^(?:h|hrs?|hours?)$/i, 'hour'],
  [/^(?:d|days?)$/i, 'day'],
  [/^(?:w|wks?|weeks?)$/i, 'week'],
  [/^(?:months?)$/i, 'month'],
];

const LONG_UNITS = String.raw`mins?|minutes?|hrs?|hours?|days?|wks?|weeks?|months?`;
const WORD_COUNTS = String.raw`a couple(?: of)?|couple of|a few|few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve`;
const DURATION = new RegExp(
  String.raw`(?:\bby\s+|\bfor\s+)?\b(?:(half an? hour|half a day)|(\d+(?:\.\d+)?)\s*(m|h|d|w|${LONG_UNITS})|(${WORD_COUNTS})\s+(${LONG_UNITS}))\b(?:\s+(later|earlier|back|forward|ahead|sooner|more|from now|after))?`,
  'i',
);

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
  /** -1 for "earlier", "sooner", "forward"; 1 otherwise. */
  readonly direction: 1 | -1 | null;
  /** The text around the duration. */
  readonly before: string;
  readonly after: string;
}

/** The first duration in `text` ("by a day", "2 hours later", "half an hour"), if any. */
export function readDuration(text: string): Duration | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const [whole, half, digits, digitUnit, words, wordUnit, direction] = match;
  const count = digits ?? words;
  const unitWord = digitUnit ?? wordUnit;
  let amount: number;
  let unit: DurationUnit | undefined;
  if (half) [amount, unit] = /hour/i.test(half) ? [30, 'minute'] : [12, 'hour'];
  else {
    amount = NUMBER_WORDS[count!.toLowerCase()] ?? Number(count);
    unit = UNITS.find(([pattern]) => pattern.test(unitWord ?? ''))?.[1];
  }
  if (!unit || !Number.isFinite(amount) || amount <= 0 || amount > 1000) return null;
  if (!Number.isInteger(amount))
    [amount, unit] =
      unit === 'hour'
        ? [Math.round(amount * 60), 'minute']
        : unit === 'day'
          ? [Math.round(amount * 24), 'hour']
          : [Math.round(amount), unit];
  const sign = direction ? (/^(?:earlier|sooner|forward)$/i.test(direction) ? -1 : 1) : null;
  return {
    amount,
    unit,
    direction: sign,
    before: text.slice(0, match.index).trim(),
    after: text.slice(match.index + whole!.length).trim(),
  };
}

/**
 * "at 3" without am or pm is 15:00: a to-do at 3 in the night is the rarer meaning. Hours 1–6
 * only; "at 8" stays 08:00.
 */
function afternoonIfBare(start: chrono.ParsedComponents): number {
  const hour = start.get('hour')!;
  return !start.isCertain('meridiem') && start.isCertain('hour') && hour >= 1 && hour <= 6 ? hour + 12 : hour;
}

export interface FoundWhen {
  readonly when: When;
  /** The text with the date words (and a preposition before them) taken out. */
  readonly rest: string;
  /** Where the date words started in the text. */
  readonly index: number;
}

/**
 * The first date and/or time in `text` the way a person in the user's zone means it: "tomorrow
 * 6pm" is 18:00 there; "friday" is a day without a time; "at 5pm" a time without a day.
 */
export function readWhen(text: string, context: ReadContext): FoundWhen | null {
  const results = parserFor(context).parse(
    text,
    { instant: context.now, timezone: offsetMinutes(context.now, context.timeZone) },
    { forwardDate: true },
  );
  const found = results.find((result) => !/^\d{1,2}$/.test(result.text.trim()));
  if (!found) return null;
  const start = found.start;
  const timeGiven = start.isCertain('hour') || PARTS_OF_DAY.test(found.text);
  const dateGiven =
    start.isCertain('day') ||
    start.isCertain('weekday') ||
    start.isCertain('month') ||
    TODAY_WORDS.test(found.text) ||
    (!start.isCertain('hour') && PARTS_OF_DAY.test(found.text));
  const when: When = {
    ...(dateGiven ? { date: { year: start.get('year')!, month: start.get('month')!, day: start.get('day')! } } : {}),
    ...(timeGiven ? { time: { hour: afternoonIfBare(start), minute: start.get('minute') ?? 0 } } : {}),
  };
  if (!when.date && !when.time) return null;
  const before = text.slice(0, found.index).replace(/\s*\b(?:by|on|at|due|for|before|until|till|starting|from|to|in|this)\s*$/i, '');
  const after = text.slice(found.index + found.text.length);
  return { when, rest: `${before} ${after}`.replace(/\s+/g, ' ').trim(), index: found.index };
}
