// The built-in assistant's readers, without a database: what a message means (intent and
// slots) and what a written time means for a due date, in the user's zone.
import { describe, expect, it } from 'vitest';
import { answerPending, readState } from '../../src/assistant/builtin/conversation.js';
import { readWhen } from '../../src/assistant/builtin/english-dates.js';
import { readEnglish } from '../../src/assistant/builtin/english.js';
import type { Intent } from '../../src/assistant/builtin/intent.js';
import { readPersianWhen } from '../../src/assistant/builtin/persian-dates.js';
import { readPersian } from '../../src/assistant/builtin/persian.js';
import { streamingPieces } from '../../src/assistant/builtin/voice.js';
import { dueFrom } from '../../src/assistant/builtin/when.js';
import { normalizeScript } from '../../src/assistant/text.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const TEHRAN = { now: new Date('2026-03-11T06:30:00Z'), timeZone: 'Asia/Tehran' }; // Wednesday 10:00
const due = (text: string, context: { now: Date; timeZone: string }, current: Date | null = null) => {
  const found = readWhen(text, context);
  if (!found) throw new Error(`no date in ${text}`);
  return dueFrom(found.when, { ...context, current });
};

describe("dates in the user's time zone", () => {
  it('reads "tomorrow 6pm" as 18:00 where the user is, whatever the server zone', () => {
    const now = new Date('2026-03-11T23:30:00Z'); // already the 12th in Tehran, still the 11th in New York
    expect(due('tomorrow 6pm', { now, timeZone: 'Asia/Tehran' })).toBe('2026-03-13T18:00:00+03:30');
    expect(due('tomorrow 6pm', { now, timeZone: 'America/New_York' })).toBe('2026-03-12T18:00:00-04:00');
  });

  it('reads a day of the month and a weekday from the date where the user is', () => {
    const now = new Date('2026-03-31T21:00:00Z'); // April 1, 00:30 in Tehran; still March 31 in UTC and New York
    expect(due('the 1st', { now, timeZone: 'Asia/Tehran' })).toBe('2026-04-01');
    expect(due('the 1st', { now, timeZone: 'America/New_York' })).toBe('2026-04-01');
    expect(due('the 31st', { now, timeZone: 'America/New_York' })).toBe('2026-03-31');
    // The next 31st after April 1 is in May.
    expect(due('on the 31st', { now, timeZone: 'Asia/Tehran' })).toBe('2026-05-31');
    expect(due('thursday', { now, timeZone: 'Asia/Tehran' })).toBe('2026-04-02');
    expect(due('thursday', { now, timeZone: 'America/New_York' })).toBe('2026-04-02');
  });

  it('keeps the wall-clock time across a daylight-saving change, for a new date and for a shift by days', () => {
    const now = new Date('2026-03-06T15:00:00Z'); // Friday, before the US switch on March 8
    const context = { now, timeZone: 'America/New_York' };
    expect(due('next monday at 9am', context)).toBe('2026-03-09T09:00:00-04:00');
    const saturdayNine = new Date('2026-03-07T14:00:00Z'); // 09:00 EST
    expect(dueFrom({ shift: { amount: 1, unit: 'day' } }, { ...context, current: saturdayNine })).toBe('2026-03-08T09:00:00-04:00');
    expect(dueFrom({ shift: { amount: 24, unit: 'hour' } }, { ...context, current: saturdayNine })).toBe('2026-03-08T10:00:00-04:00');
    expect(due('sunday', context, saturdayNine)).toBe('2026-03-08T09:00:00-04:00');
  });

  it('moves a time the clocks skip to just after the jump', () => {
    const now = new Date('2026-03-07T15:00:00Z');
    expect(due('tomorrow at 2:30am', { now, timeZone: 'America/New_York' })).toBe('2026-03-08T03:30:00-04:00');
  });

  it('gives a new day the time the task had, a time alone the day it had, and leaves "by the end of the day" as a day', () => {
    const thursday1430 = new Date('2026-03-12T11:00:00Z');
    expect(due('friday', TEHRAN, thursday1430)).toBe('2026-03-13T14:30:00+03:30');
    expect(due('at 9am', TEHRAN, thursday1430)).toBe('2026-03-12T09:00:00+03:30');
    expect(due('friday 8pm', TEHRAN, thursday1430)).toBe('2026-03-13T20:00:00+03:30');
    const endOfThursday = new Date('2026-03-12T20:29:00Z'); // 23:59
    expect(due('friday', TEHRAN, endOfThursday)).toBe('2026-03-13');
    // No due date yet: a time alone is the next time the clock shows it.
    expect(due('at 9am', TEHRAN)).toBe('2026-03-12T09:00:00+03:30');
    expect(due('at 6pm', TEHRAN)).toBe('2026-03-11T18:00:00+03:30');
  });

  it('reads Jalali dates, Persian and Arabic-Indic digits, weekdays, relative days and times', () => {
    const fa = (text: string, current: Date | null = null) =>
      dueFrom(readPersianWhen(normalizeScript(text), TEHRAN)!.when, { ...TEHRAN, current });
    expect(fa('۱۴۰۵/۹/۲۰')).toBe('2026-12-11');
    expect(fa('١٤٠٥-٠٩-٢٠ ساعت ٩:١٥')).toBe('2026-12-11T09:15:00+03:30');
    expect(fa('۲۰ آذر')).toBe('2026-12-11');
    expect(fa('بیست و پنجم اسفند')).toBe('2026-03-16');
    expect(fa('۵ فروردین ۱۴۰۶')).toBe('2027-03-25');
    expect(fa('فردا ساعت ۵ عصر')).toBe('2026-03-12T17:00:00+03:30');
    expect(fa('پس فردا ۸ صبح')).toBe('2026-03-13T08:00:00+03:30');
    expect(fa('پسفردا')).toBe('2026-03-13');
    expect(fa('جمعه ساعت ۱۰ و نیم')).toBe('2026-03-13T10:30:00+03:30');
    expect(fa('یک‌شنبه')).toBe('2026-03-15');
    expect(fa('چهارشنبه')).toBe('2026-03-18'); // today is Wednesday: the next one
    expect(fa('امشب')).toBe('2026-03-11T21:00:00+03:30');
    expect(fa('۲ ساعت دیگه')).toBe('2026-03-11T12:00:00+03:30');
    expect(fa('شنبه', new Date('2026-03-12T04:30:00Z'))).toBe('2026-03-14T08:00:00+03:30');
    expect(readPersianWhen('صبحانه بخورم', TEHRAN)).toBeNull();
  });
});

const summary = (intent: Intent) =>
  intent.kind === 'edit'
    ? `${intent.edit.type}:${intent.ref.kind === 'named' ? intent.ref.text : intent.ref.kind}`
    : intent.kind === 'add'
      ? `add:${intent.task.name}`
      : intent.kind;

describe('reading a message as an intent and its slots', () => {
  it.each([
    ['could you tick off the dentist appointment please', 'complete:dentist appointment'],
    ['the invoice has been sent', 'complete:invoice'],
    ['the weather has been nice', 'unknown'],
    ['the invoice is sorted', 'complete:invoice'],
    ["I've taken care of the car wash", 'complete:car wash'],
    ['kick off the website redesign', 'status:website redesign'],
    ['up the priority of the tax return to high', 'priority:tax return'],
    ['the dentist can wait', 'unknown'],
    ['make the dentist a low priority one', 'priority:dentist'],
    ['scrap the old chore', 'delete:old chore'],
    ['I no longer need the gym membership task', 'delete:gym membership'],
    ['put off the tax return until next month', 'due:tax return'],
    ['push the call back by 45 minutes', 'due:call'],
    ['change the name of the gym task to morning run', 'rename:gym'],
    ['the slides should be called Final deck', 'rename:slides'],
    ['give the report the tags work and q2', 'tag-add:report'],
    ['remove the label errands from the shopping', 'tag-remove:shopping'],
    ['add a comment to the flight task: gate B12', 'note:flight'],
    ['what should I focus on today?', 'advise'],
    ['show me what is overdue', 'overdue'],
    ['anything tagged home?', 'tagged'],
    ['do I have a task about taxes', 'search'],
    ['add the dishes', 'add:The dishes'],
    ['remind me about the dentist on friday', 'add:The dentist'],
  ])('"%s" → %s', (text, expected) => {
    expect(summary(readEnglish(text, TEHRAN))).toBe(expected);
  });

  it('reads edit phrases as edits: none of them adds a task', () => {
    const edits = [
      'add the tag home to the plants task',
      'add a note "call first" to the plumber task',
      "add 'second floor' to the delivery task",
      'add #urgent to the report',
      'put the label work on the slides',
      'remove the tag errands from the groceries',
      'add eggs to the shopping task',
      'attach a memo to the flight: window seat',
    ];
    for (const text of edits) expect(readEnglish(text, TEHRAN).kind, text).toBe('edit');
  });

  it("takes the priority, tags and quotes out of a new task's name", () => {
    const read = (text: string) => readEnglish(text, TEHRAN) as Extract<Intent, { kind: 'add' }>;
    expect(read('add task book the venue #party urgent').task).toEqual({ name: 'Book the venue', priority: 'high', tags: ['party'] });
    expect(read('add "Buy milk, eggs and bread", low priority').task).toEqual({ name: 'Buy milk, eggs and bread', priority: 'low' });
    expect(read("add 'Call the bank',").task).toEqual({ name: 'Call the bank' });
    expect(read('add urgent: renew passport').task).toEqual({ name: 'Renew passport', priority: 'high' });
    expect(read('add pay the bill on the 15th #home').task).toEqual({
      name: 'Pay the bill',
      tags: ['home'],
      when: { date: { year: 2026, month: 3, day: 15 } },
    });
  });

  it.each([
    ['یه کار اضافه کن: خرید نان فردا', 'add:خرید نان'],
    ['خرید نان رو اضافه کن', 'add:خرید نان'],
    ['خرید نان را انجام دادم', 'complete:خرید نان'],
    ['كار خريد نان انجام شد', 'complete:خرید نان'],
    ['خرید نان رو پاک کن', 'delete:خرید نان'],
    ['خرید نان را به شنبه منتقل کن', 'due:خرید نان'],
    ['نام خرید نان را به خرید نان بربری تغییر بده', 'rename:خرید نان'],
    ['کارهای امروزم چیه؟', 'list'],
    ['کارهای عقب افتاده', 'overdue'],
    ['کارهای با برچسب #کار', 'tagged'],
    ['از کجا شروع کنم؟', 'advise'],
    ['هوا چطوره؟', 'unknown'],
  ])('"%s" → %s', (text, expected) => {
    expect(summary(readPersian(text, TEHRAN))).toBe(expected);
  });
});

describe("the README's examples", () => {
  it.each([
    ['put milk on my list', 'add:Milk'],
    ['i need to buy milk', 'add:Buy milk'],
    ["what's left", 'list'],
    ['anything tagged home?', 'tagged'],
    ["where's my slides task", 'search'],
    ["I'm done with the gym", 'complete:gym'],
    ['I paid the rent', 'complete:rent'],
    ['cross the groceries off my list', 'complete:groceries'],
    ["I'm working on the groceries", 'status:groceries'],
    ["the report isn't done", 'status:report'],
    ["I won't do the gym session", 'status:gym session'],
    ['get rid of the old chore', 'delete:old chore'],
    ['remove the groceries from my list', 'delete:groceries'],
    ['make the slides more important', 'priority-step:slides'],
    ["the slides aren't urgent anymore", 'priority:slides'],
    ['call the gym session "Morning workout" instead', 'rename:gym session'],
    ['rename the gym task', 'rename:gym'],
    ['move the flight to 6pm', 'due:flight'],
    ['bring the flight forward an hour', 'due:flight'],
    ['clear the deadline on the flight', 'due:flight'],
    ['untag the groceries', 'tag-remove:groceries'],
    ['note on the groceries: milk, eggs', 'note:groceries'],
    ["what's next?", 'advise'],
    ['help me prioritise', 'advise'],
    ['mark it done', 'complete:it'],
    ['finish the task', 'complete:unnamed'],
  ])('"%s" → %s', (text, expected) => {
    expect(summary(readEnglish(text, TEHRAN))).toBe(expected);
  });

  it.each([
    ['کار جدید: تمدید گذرنامه ۲۰ آذر #اداری فوری', 'add:تمدید گذرنامه'],
    ['یادم بنداز شنبه ساعت ۵ عصر به بابا زنگ بزنم', 'add:به بابا زنگ بزنم'],
    ['فهرست کارها', 'list'],
    ['کارهای انجام‌شده', 'list'],
    ['خرید نان تموم شد', 'complete:خرید نان'],
    ['خرید شیر رو تیک بزن', 'complete:خرید شیر'],
    ['پاک کن خرید نان', 'delete:خرید نان'],
    ['خرید نان رو بذار برای پنجشنبه', 'due:خرید نان'],
    ['موعد خرید شیر را ۲۰ فروردین کن', 'due:خرید شیر'],
    ['جلسه را دو ساعت جلو بنداز', 'due:جلسه'],
    ['اسم جلسه رو بذار جلسه با رئیس', 'rename:جلسه'],
    ['خرید نان فوری است', 'priority:خرید نان'],
    ['اینو حذف کن', 'delete:it'],
  ])('"%s" → %s', (text, expected) => {
    expect(summary(readPersian(text, TEHRAN))).toBe(expected);
  });
});

describe('the stored question', () => {
  const ids = ['6f1f7f3e-8a41-4c55-9a55-1b2f3c4d5e6f', '7a2b8c4d-9e5f-4a61-8b72-2c3d4e5f6a7b'];
  const choose = { kind: 'choose' as const, ids, names: ['Write report', 'Read report'], edit: { type: 'complete' as const } };

  it('is read back only when it has the shape this version writes', () => {
    expect(readState({ language: 'en', pending: choose })).toEqual({ language: 'en', pending: choose });
    for (const stored of [
      null,
      'text',
      { language: 'de' },
      { language: 'en', pending: { kind: 'choose', ids: ['not-a-uuid'], names: [], edit: { type: 'complete' } } },
      { language: 'en', pending: { kind: 'launch' } },
    ]) {
      expect(readState(stored)).toBeNull();
    }
  });

  it('takes numbers, ordinals, names, "both" and "no" as answers, and anything else as a new message', () => {
    const answer = (text: string, language: 'en' | 'fa' = 'en') => answerPending(text, choose, language, TEHRAN);
    expect(answer('2')).toEqual({ kind: 'apply', ids: [ids[1]], edit: { type: 'complete' } });
    expect(answer('the first one')).toEqual({ kind: 'apply', ids: [ids[0]], edit: { type: 'complete' } });
    expect(answer('number 2.')).toEqual({ kind: 'apply', ids: [ids[1]], edit: { type: 'complete' } });
    expect(answer('I meant the last one')).toEqual({ kind: 'apply', ids: [ids[1]], edit: { type: 'complete' } });
    expect(answer('read report')).toEqual({ kind: 'apply', ids: [ids[1]], edit: { type: 'complete' } });
    expect(answer('both')).toEqual({ kind: 'apply', ids, edit: { type: 'complete' } });
    expect(answer('nope')).toEqual({ kind: 'cancel' });
    expect(answer('دومی', 'fa')).toEqual({ kind: 'apply', ids: [ids[1]], edit: { type: 'complete' } });
    expect(answer('۱', 'fa')).toEqual({ kind: 'apply', ids: [ids[0]], edit: { type: 'complete' } });
    expect(answer('هیچکدوم', 'fa')).toEqual({ kind: 'cancel' });
    expect(answer('3')).toBeNull();
    expect(answer('show my tasks')).toBeNull();
    expect(answer('report')).toBeNull();
  });
});

describe('streaming the built-in reply', () => {
  it('cuts after lines and sentences, never inside a numbered item, and joins back exactly', () => {
    const reply =
      'Hello! I manage your tasks.\n\nSeveral tasks match "report". Which one do you mean?\n1. **Report** — due 2030-01-02\n2. Report v2. Final';
    const pieces = streamingPieces(reply);
    expect(pieces).toEqual([
      'Hello! ',
      'I manage your tasks.\n\n',
      'Several tasks match "report". ',
      'Which one do you mean?\n',
      '1. **Report** — due 2030-01-02\n',
      '2. Report v2. Final',
    ]);
    expect(pieces.join('')).toBe(reply);
    expect(streamingPieces('Nothing is overdue. Well done!')).toEqual(['Nothing is overdue. ', 'Well done!']);
    expect(streamingPieces('')).toEqual([]);
  });
});

describe('assistant configuration', () => {
  it('is built-in by default and OpenAI-compatible when a base URL is set', () => {
    expect(loadConfig({}).assistant).toEqual({ provider: 'builtin' });
    expect(loadConfig({ BEHFLOW_LLM_BASE_URL: 'http://localhost:11434/v1/', BEHFLOW_LLM_MODEL: 'llama3.1' }).assistant).toEqual({
      provider: 'openai',
      baseUrl: 'http://localhost:11434/v1',
      apiKey: undefined,
      model: 'llama3.1',
      timeoutMs: 60_000,
    });
    expect(
      loadConfig({ BEHFLOW_LLM_BASE_URL: 'http://localhost:11434/v1', BEHFLOW_ASSISTANT_PROVIDER: 'builtin' }).assistant.provider,
    ).toBe('builtin');
  });

  it('refuses an OpenAI provider without a base URL, without echoing secrets', () => {
    expect(() => loadConfig({ BEHFLOW_ASSISTANT_PROVIDER: 'openai', BEHFLOW_LLM_API_KEY: 'sk-secret' })).toThrow(/BEHFLOW_LLM_BASE_URL/);
    let message = '';
    try {
      loadConfig({ BEHFLOW_LLM_BASE_URL: 'ftp://nope', BEHFLOW_LLM_API_KEY: 'sk-secret' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/BEHFLOW_LLM_BASE_URL/);
    expect(message).not.toContain('sk-secret');
  });

  it('refuses credentials in the base URL, naming the variable without echoing the value', () => {
    for (const url of [
      'https://alice:s3cr3t-pass@llm.example/v1',
      'https://only-user-s3cr3t@llm.example/v1',
      'http://:s3cr3t-pass@localhost:11434/v1',
    ]) {
      let error: unknown;
      try {
        loadConfig({ BEHFLOW_LLM_BASE_URL: url });
      } catch (caught) {
        error = caught;
      }
      expect(error, url).toBeInstanceOf(ConfigError);
      const message = String(error);
      expect(message).toMatch(/BEHFLOW_LLM_BASE_URL: must not contain a user name or password/);
      expect(message).not.toMatch(/s3cr3t|alice|llm\.example|localhost/);
    }
  });
});
