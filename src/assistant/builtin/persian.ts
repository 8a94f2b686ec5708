// Reads a Persian message as an intent and its slots: add, list (all, today, overdue, by tag,
// by status), complete, delete, move, rename, priority, start, and what to do first. The verb
// usually comes last in Persian ("خرید نان را حذف کن"); the task is what stands before را/رو.
import type { TaskPriority } from '../../tasks/service.js';
import { normalizeScript } from '../text.js';
import type { Edit, Intent, ListFilter, ReadContext, TaskRef } from './intent.js';
import { readPersianDuration, readPersianWhen } from './persian-dates.js';

const J = '[\\u200c ]?';
const re = (source: string) => new RegExp(source, 'u');
/** The object marker: "خرید نان را", colloquially "خرید نان رو" or "خرید نانو". */
const RA = String.raw`\s+(?:را|رو|رُ)`;

export function cleanPersian(text: string): string {
  return normalizeScript(text)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(re(String.raw`^(?:(?:لطفا|لطفاً|لطفن|خواهش${J}می${J}کنم|میشه|می${J}شه|می${J}تونی|میتونی|می${J}توانی|ممکنه|سلام)[،,\s]*)+`), '')
    .replace(re(String.raw`[\s،,]*(?:لطفا|لطفاً|ممنون|مرسی|ممنونم|با تشکر)?[\s.!?؟]*$`), '')
    .trim();
}

const ORDINALS: Record<string, number> = {
  اول: 1,
  اولی: 1,
  یکم: 1,
  دوم: 2,
  دومی: 2,
  سوم: 3,
  سومی: 3,
  چهارم: 4,
  چهارمی: 4,
  پنجم: 5,
  پنجمی: 5,
  آخر: -1,
  آخری: -1,
};

/** "اولی", "دومی", "شماره ۲", "۲", "آخری": a place in a shown list. */
export function persianOrdinalOf(text: string): number | null {
  const words = text
    .trim()
    .replace(re(String.raw`^(?:همون|همان|منظورم|کار|تسک|گزینه)\s+`), '')
    .replace(re(String.raw`${RA}$`), '')
    .trim();
  const number = re(String.raw`^(?:شماره\s*)?(\d{1,2})(?:\s*(?:ام|مین|می))?$`).exec(words);
  if (number) return Number(number[1]);
  const word = re(
    String.raw`^(اولی|اول|یکم|دومی|دوم|سومی|سوم|چهارمی|چهارم|پنجمی|پنجم|آخری|آخر)(?:ین)?(?:\s+(?:کار|تسک|مورد|گزینه))?$`,
  ).exec(words);
  return word ? ORDINALS[word[1]!]! : null;
}

export function persianRefOf(words: string): TaskRef {
  const text = words
    .trim()
    .replace(re(String.raw`${RA}$`), '')
    .replace(/^[«"']|[»"']$/g, '')
    .trim();
  if (re(String.raw`^(?:این|اون|آن|همین|همون|همان)(?:\s+(?:کار|تسک|مورد|یکی))?(?:و|رو|را)?$|^(?:اینو|اونو|همینو|همونو)$`).test(text))
    return { kind: 'it' };
  const ordinal = persianOrdinalOf(text);
  if (ordinal !== null) return { kind: 'ordinal', index: ordinal };
  const named = text.replace(re(String.raw`^(?:(?:یک|یه|اون|این)\s+)?(?:کار|تسک)(?:${J}ی)?\s+`), '').trim();
  if (!named || re(String.raw`^(?:کار|تسک|کارو|تسکو)$`).test(named)) return { kind: 'unnamed' };
  return { kind: 'named', text: named };
}

const LEVEL_WORDS: Array<[RegExp, TaskPriority]> = [
  [re('^(?:بالا|زیاد|فوری|مهم|بالاترین|ضروری)$'), 'high'],
  [re('^(?:متوسط|عادی|معمولی)$'), 'medium'],
  [re('^(?:کم|پایین|پایین‌ترین|کمترین)$'), 'low'],
];
const LEVEL = '(بالا|زیاد|فوری|مهم|ضروری|متوسط|عادی|معمولی|کم|پایین)';
const levelOf = (word: string) => LEVEL_WORDS.find(([pattern]) => pattern.test(word))?.[1];

const edit = (ref: string, change: Edit): Intent => ({ kind: 'edit', ref: persianRefOf(ref), edit: change });
const DO = String.raw`(?:کن|بکن|کنید|بکنید|بده|بدید|بدهید|بزن|بزنید)`;

function readMove(ref: string, middle: string, verb: string, context: ReadContext): Intent {
  const later = /عقب|تعویق/u.test(verb) ? 1 : /جلو/u.test(verb) ? -1 : 0;
  const duration = later !== 0 ? readPersianDuration(middle) : null;
  if (duration) return edit(ref, { type: 'due', when: { shift: { amount: later * duration.amount, unit: duration.unit } } });
  const found = readPersianWhen(middle, context);
  if (found) return edit(ref, { type: 'due', when: found.when });
  if (later === 1) return edit(ref, { type: 'due', when: { shift: { amount: 1, unit: 'day' } } });
  return edit(ref, { type: 'due', when: {} });
}

type Rule = readonly [RegExp, (match: RegExpExecArray, context: ReadContext) => Intent | null];

const MOVE_VERB = String.raw`(منتقل\s*${DO}|ببر|ببرید|بنداز|بینداز|بندازید|بذار|بگذار|بزار|بذارید|موکول\s*${DO}|تغییر\s*${DO}|عوض\s*${DO}|عقب\s*(?:بنداز|بینداز|ببر|${DO})|جلو\s*(?:بنداز|بینداز|بیار|بیاور|ببر|${DO})|به\s+تعویق\s*(?:بنداز|بینداز|${DO}))`;

const RULES: readonly Rule[] = [
  // Renames: "اسم خرید نان را به خرید شیر تغییر بده", "خرید نان را به خرید شیر تغییر نام بده".
  [
    re(String.raw`^(?:اسم|نام|عنوان)\s+(.+?)${RA}\s+(?:به\s+)?(.+?)\s+(?:تغییر\s*${DO}|عوض\s*${DO}|${DO}|بذار|بگذار)$`),
    (m) => edit(m[1]!, { type: 'rename', name: m[2]!.replace(/^[«"']|[»"']$/g, '') }),
  ],
  [
    re(String.raw`^(?:اسم|نام|عنوان)\s+(.+?)${RA}\s+(?:بذار|بگذار|بزار|کن|بکن)\s+(.+)$`),
    (m) => edit(m[1]!, { type: 'rename', name: m[2]!.replace(/^[«"']|[»"']$/g, '') }),
  ],
  [re(String.raw`^(.+?)${RA}\s+به\s+(.+?)\s+تغییر${J}نام\s*${DO}$`), (m) => edit(m[1]!, { type: 'rename', name: m[2]! })],
  [re(String.raw`^تغییر${J}نام\s+(.+?)\s+به\s+(.+)$`), (m) => edit(m[1]!, { type: 'rename', name: m[2]! })],
  // Priorities: "اولویت خرید نان را بالا کن", "خرید نان فوری است".
  [
    re(String.raw`^(?:اولویت|اهمیت)\s+(.+?)${RA}\s+(?:به\s+)?${LEVEL}\s+(?:${DO}|ببر|بذار|بگذار|تغییر\s*${DO})$`),
    (m) => edit(m[1]!, { type: 'priority', priority: levelOf(m[2]!)! }),
  ],
  [re(String.raw`^(.+?)\s+(?:خیلی\s+)?(فوری|مهم|ضروری)\s*(?:است|هست|ه|شد)$`), (m) => edit(m[1]!, { type: 'priority', priority: 'high' })],
  // Moves: "خرید نان را به فردا منتقل کن", "زمان خرید نان را شنبه بذار", "خرید نان را یک روز عقب بنداز".
  [re(String.raw`^(?:زمان|موعد|تاریخ|سررسید|مهلت)\s+(.+?)${RA}\s+(.*?)\s*${MOVE_VERB}$`), (m, c) => readMove(m[1]!, m[2]!, m[3]!, c)],
  [
    re(String.raw`^(?:زمان|موعد|تاریخ|سررسید|مهلت)\s+(.+?)${RA}\s+(.+?)\s+(?:قرار\s*)?${DO}$`),
    (m, c) => (readPersianWhen(m[2]!, c) ? readMove(m[1]!, m[2]!, '', c) : null),
  ],
  [
    re(String.raw`^(.+?)${RA}\s+${MOVE_VERB}\s+(.+)$`),
    (m, c) => (readPersianWhen(m[3]!, c) || readPersianDuration(m[3]!) ? readMove(m[1]!, m[3]!, m[2]!, c) : null),
  ],
  [
    re(String.raw`^(.+?)${RA}\s+(.*?)\s*${MOVE_VERB}$`),
    (m, c) => (/^(?:تغییر|عوض)/u.test(m[3]!) && !readPersianWhen(m[2]!, c) ? null : readMove(m[1]!, m[2]!, m[3]!, c)),
  ],
  // Completion: "خرید نان را انجام دادم", "خرید نان انجام شد", "تموم شد: خرید نان".
  [
    re(
      String.raw`^(.+?)${RA}\s+(?:انجام\s*دادم|انجام\s*دادیم|تموم\s*کردم|تمام\s*کردم|تمومش\s*کردم|کامل\s*کردم|انجام${J}شده\s+(?:علامت\s*)?${DO}|تیک\s*${DO}|تکمیل\s*${DO}|انجام\s*${DO}|تمام\s*${DO})$`,
    ),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [
    re(String.raw`^(.+?)\s+(?:انجام\s*شد|تموم\s*شد|تمام\s*شد|انجام${J}شده(?:\s+است)?|تمومه|تمامه|کامل\s*شد|دیگه\s+تمومه)$`),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [re(String.raw`^(?:انجام\s*شد|تموم\s*شد|تمام\s*شد|تیک\s*بزن|تکمیل\s*کن)\s*[:,]?\s+(.+)$`), (m) => edit(m[1]!, { type: 'complete' })],
  // Start.
  [
    re(String.raw`^(.+?)${RA}\s+(?:شروع\s*کردم|شروع\s*${DO}|دارم\s+انجام\s+میدم)$`),
    (m) => edit(m[1]!, { type: 'status', status: 'in_progress' }),
  ],
  // Deletion: "خرید نان را حذف کن", "پاک کن خرید نان".
  [re(String.raw`^(.+?)(?:${RA})?\s+(?:حذف|پاک)\s*${DO}$`), (m) => edit(m[1]!, { type: 'delete' })],
  [re(String.raw`^(.+?)${RA}\s+(?:بردار|حذف|پاک)$`), (m) => edit(m[1]!, { type: 'delete' })],
  [re(String.raw`^(?:حذف|پاک)\s*(?:${DO})?\s*[:,]?\s+(.+)$`), (m) => edit(m[1]!, { type: 'delete' })],
];

const ADD_VERB = re(
  String.raw`(?:^|\s)(اضافه\s*(?:${DO}|شود|بشه)?|بساز|بسازید|ایجاد\s*${DO}|درست\s*${DO}|ثبت\s*${DO}|بنویس|بنویسید|یادداشت\s*${DO}|یادم\s+(?:بنداز|بینداز|بیار|باشه)|یادآوری\s*${DO}|(?:یادآوری|یادآور|کار|تسک)\s+(?:بذار|بگذار|بزار|تنظیم\s*کن)|افزودن)(?=$|\s|:)`,
);
const TASK_NOUN = re(String.raw`^(?:(?:یک|یه)\s+)?(?:کار|تسک|وظیفه|یادآوری)(?:${J}ی)?(?:\s+جدید)?\s*(?::|که)?\s*`);

/** "کار جدید: …" says "add" without a verb. */
const NEW_TASK_LABEL = re(String.raw`^(?:(?:یک|یه)\s+)?(?:کار|تسک|وظیفه)(?:${J}ی)?\s+جدید\s*:`);

function readAdd(text: string, context: ReadContext): Intent | null {
  const verb = ADD_VERB.exec(text) ?? NEW_TASK_LABEL.exec(text);
  if (!verb) return null;
  let body = `${text.slice(0, verb.index)} ${text.slice(verb.index + verb[0].length)}`.replace(/\s+/g, ' ').trim();
  body = body.replace(re(String.raw`\s*به\s+(?:لیست|فهرست)(?:\s+(?:کارها|کارهام|کارهای\s*من))?\s*`), ' ').trim();
  const tags: string[] = [];
  body = body.replace(/(^|\s)#([\p{L}\p{N}_\u200c-]+)/gu, (_match, _space, tag: string) => {
    tags.push(tag);
    return ' ';
  });
  let priority: TaskPriority | undefined;
  body = body.replace(
    re(String.raw`(?:^|\s)(?:با\s+)?اولویت\s+${LEVEL}(?=$|\s)|(?:^|\s)(فوری|مهم|ضروری)(?=$|\s*[:،,]|\s*$)`),
    (_match, level?: string, urgent?: string) => {
      priority = levelOf(level ?? urgent ?? '');
      return ' ';
    },
  );
  const dated = readPersianWhen(body, context);
  const name = (dated ? dated.rest : body)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[:،,\-\s]+/u, '')
    .replace(TASK_NOUN, '')
    .replace(/^(?:یک|یه)(?=\s|:|$)/u, '')
    .replace(/^[:،,\-\s]+/u, '')
    .replace(re(String.raw`${RA}$`), '')
    .replace(/^[«"']|[»"']$/g, '')
    .replace(/^[:،,\-\s]+|[:،,\-\s]+$/gu, '')
    .trim();
  return {
    kind: 'add',
    task: {
      name: name || null,
      ...(priority ? { priority } : {}),
      ...(tags.length ? { tags } : {}),
      ...(dated ? { when: dated.when } : {}),
    },
  };
}

const LIST_NOUN = re(String.raw`کار${J}ها|کارها|کارهام|کارهامو|کارای|کارام|تسک${J}ها|لیست|فهرست|وظایف|چه\s+کار(?:ی|هایی)|چکار|چیکار`);

function readList(text: string): Intent | null {
  if (!LIST_NOUN.test(text) && !/^(?:امروز|عقب)/u.test(text)) return null;
  const tag = /#([\p{L}\p{N}_\u200c-]+)/u.exec(text) ?? re(String.raw`(?:برچسب|تگ)\s+([\p{L}\p{N}_\u200c-]+)`).exec(text);
  if (tag) return { kind: 'tagged', tag: tag[1]! };
  if (re(String.raw`عقب${J}افتاده|معوق|دیر${J}شده|گذشته|تاخیر|تأخیر|سررسید\s*شده`).test(text)) return { kind: 'overdue' };
  const filter: ListFilter = {
    ...(/امروز|امشب/u.test(text) ? { dueToday: true } : {}),
    ...(re(String.raw`انجام${J}شده|تمام${J}شده|تموم${J}شده|تکمیل${J}شده`).test(text) ? { status: 'completed' as const } : {}),
    ...(re(String.raw`در${J}حال${J}انجام`).test(text) ? { status: 'in_progress' as const } : {}),
    ...(re(String.raw`باقی${J}مانده|مونده|مانده|انجام${J}نشده`).test(text) ? { status: 'pending' as const } : {}),
    ...(re(String.raw`فوری|مهم|اولویت${J}(?:بالا|زیاد)`).test(text) ? { priority: 'high' as const } : {}),
  };
  return { kind: 'list', filter };
}

/** Reads one Persian message. */
export function readPersian(raw: string, context: ReadContext): Intent {
  const text = cleanPersian(raw);
  if (!text) return /سلام|درود/u.test(raw) ? { kind: 'greeting' } : { kind: 'help' };
  const listing = re(String.raw`^(?:لیست|فهرست|نمایش|نشون|نشان|کارهای|کار${J}های|کارها|کارهام|کارامو|چه\s+کار)`).test(text)
    ? readList(text)
    : null;
  if (listing) return listing;
  if (
    re(String.raw`^(?:سلام|درود|صبح\s*بخیر|عصر\s*بخیر|شب\s*بخیر|ممنون|مرسی|متشکرم|خسته\s+نباشی)`).test(text) &&
    text.split(' ').length <= 4
  )
    return { kind: 'greeting' };
  if (
    re(String.raw`^(?:کمک|راهنما|راهنمایی)$|چه\s+کار(?:ی|هایی)\s+(?:از\s+دستت\s+)?(?:می${J}تونی|میتونی|می${J}توانی|بلدی)|چی\s+بلدی`).test(
      text,
    )
  )
    return { kind: 'help' };
  if (
    re(
      String.raw`(?:اول|الان|اکنون|اول${J}از${J}همه|قبل\s+از\s+همه)\s+(?:چه|چی|کدوم|کدام)|از\s+کجا\s+شروع|اولویت\s+با\s+(?:کدوم|کدام|چی)|مهم${J}ترین\s+کار`,
    ).test(text)
  )
    return { kind: 'advise' };
  if (re(String.raw`چند\s*(?:تا)?\s*کار|آمار|خلاصه\s+کارها`).test(text)) return { kind: 'stats' };
  for (const [pattern, build] of RULES) {
    const match = pattern.exec(text);
    if (!match) continue;
    const intent = build(match, context);
    if (intent && !(intent.kind === 'edit' && intent.ref.kind === 'named' && ADD_VERB.test(` ${intent.ref.text}`))) return intent;
  }
  const add = readAdd(text, context);
  if (add) return add;
  const search = re(
    String.raw`^(?:جستجو|جست${J}و${J}جو|پیدا\s*کن|بگرد)\s*(?:کن)?\s*(?:دنبال\s+)?(.+)$|^(.+?)\s+(?:رو|را)\s+پیدا\s*کن$`,
  ).exec(text);
  if (search) {
    const ref = persianRefOf(search[1] ?? search[2]!);
    if (ref.kind === 'named') return { kind: 'search', text: ref.text };
  }
  return readList(text) ?? { kind: 'unknown' };
}
