// The built-in assistant in Persian: add, list (all, today, overdue, by tag), complete, delete,
// move and rename; Persian and Arabic-Indic digits, Jalali dates, weekday and relative day
// words, times; replies in Persian with Jalali dates. The clock: Wednesday 1404-12-20, 10:00 in Tehran.
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/db/prisma.js';
import type { CreateTaskData } from '../../src/tasks/service.js';
import { startTestServer } from '../helpers/server.js';
import { assistantKit, at, snapshot, wrote, type Said } from './builtin-kit.js';

const server = await startTestServer();
const kit = assistantKit({ ...server.running.database, eventLog: server.running.eventLog });

const BREAD: CreateTaskData = { name: 'خرید نان', dueAt: at('2026-03-12T04:30:00Z'), tags: ['خانه'] }; // Thursday 08:00 in Tehran
const MILK: CreateTaskData = { name: 'خرید شیر' };
const RENT: CreateTaskData = { name: 'پرداخت اجاره', dueAt: at('2026-03-10T08:30:00Z'), priority: 'high' }; // yesterday: overdue
const MEETING: CreateTaskData = { name: 'جلسه با مدیر', dueAt: at('2026-03-11T14:30:00Z') }; // today 18:00
const GIVEN = [BREAD, MILK, RENT, MEETING];

interface Case {
  readonly say: string | string[];
  readonly given?: CreateTaskData[];
  readonly reply?: RegExp;
  readonly then: (after: Task[], before: Task[], said: Said[]) => void;
}

const named = (list: Task[], name: string) => {
  const task = list.find((candidate) => candidate.name === name);
  expect(task, `a task named ${name}`).toBeDefined();
  return task!;
};
const nothingChanged = (after: Task[], before: Task[], said: Said[]) => {
  expect(snapshot(after)).toEqual(snapshot(before));
  expect(said.flatMap(wrote)).toEqual([]);
};
/** Persian replies: no Latin words besides what a task or tag is called, Persian digits only. */
const persianOnly = (said: Said[]) => {
  for (const { content } of said) expect(content.replace(/\*\*[^*]+\*\*|#\S+|\*[^*]+\*/g, '')).not.toMatch(/[A-Za-z0-9]/);
};

function run(cases: Case[]) {
  it.each(cases.map((entry) => ({ ...entry, title: ([] as string[]).concat(entry.say).join(' → ') })))('$title', async (entry) => {
    const chat = await kit.conversation(entry.given ?? GIVEN);
    const before = await chat.tasks();
    const said: Said[] = [];
    for (const line of ([] as string[]).concat(entry.say)) said.push(await chat.say(line));
    if (entry.reply) expect(said.at(-1)!.content).toMatch(entry.reply);
    persianOnly(said);
    entry.then(await chat.tasks(), before, said);
  });
}

describe('adding', () => {
  run([
    {
      say: 'یه کار جدید اضافه کن: تمدید بیمه ۲۰ فروردین',
      reply: /^\*\*تمدید بیمه\*\* اضافه شد \(اولویت متوسط، سررسید پنجشنبه ۲۰ فروردین ۱۴۰۵، ساعت ۲۳:۵۹\)\.$/,
      then: (after) =>
        expect(named(after, 'تمدید بیمه')).toMatchObject({
          dueDateJalali: '1405-01-20T23:59:00',
          dueDateGregorian: at('2026-04-09T20:29:00Z'),
        }),
    },
    // Arabic-Indic digits and a time.
    {
      say: 'خرید میوه رو برای ٢٥ اسفند ساعت ١٧:٣٠ اضافه کن',
      then: (after) => expect(named(after, 'خرید میوه').dueDateJalali).toBe('1404-12-25T17:30:00'),
    },
    {
      say: 'ثبت کن جلسه با وکیل ۱۴۰۵/۹/۲۰ ساعت ۱۰ صبح',
      then: (after) => expect(named(after, 'جلسه با وکیل').dueDateJalali).toBe('1405-09-20T10:00:00'),
    },
    {
      say: 'یادم بنداز شنبه ساعت ۸ شب به بابا زنگ بزنم',
      then: (after) => expect(named(after, 'به بابا زنگ بزنم').dueDateJalali).toBe('1404-12-23T20:00:00'),
    },
    {
      say: 'کار جدید: تعویض روغن پس‌فردا #ماشین فوری',
      then: (after) =>
        expect(named(after, 'تعویض روغن')).toMatchObject({ priority: 'high', tags: ['ماشین'], dueDateJalali: '1404-12-22T23:59:00' }),
    },
    {
      say: 'بیستم فروردین سالگرد ازدواج را یادداشت کن',
      then: (after) => expect(named(after, 'سالگرد ازدواج').dueDateJalali).toBe('1405-01-20T23:59:00'),
    },
    {
      say: 'سه‌شنبه هفته بعد ساعت ۴ بعدازظهر دندانپزشکی رو اضافه کن',
      then: (after) => expect(named(after, 'دندانپزشکی').dueDateJalali).toBe('1404-12-26T16:00:00'),
    },
    {
      say: 'تا ۳ روز دیگه گزارش ماهانه رو بنویس',
      then: (after) => expect(named(after, 'گزارش ماهانه').dueDateJalali).toBe('1404-12-23T23:59:00'),
    },
    {
      say: ['یک کار اضافه کن', 'خرید کتاب فردا'],
      then: (after) => expect(named(after, 'خرید کتاب').dueDateJalali).toBe('1404-12-21T23:59:00'),
    },
  ]);
});

describe('listing', () => {
  run([
    {
      say: 'همه کارهامو نشون بده',
      reply: /^کارهای شما — ۴ مورد:\n۱\. \*\*پرداخت اجاره\*\* · اولویت بالا · \*\*عقب‌افتاده\*\*، سررسید سه‌شنبه ۱۹ اسفند ۱۴۰۴، ساعت ۱۲:۰۰\n/,
      then: nothingChanged,
    },
    {
      say: 'امروز چه کارهایی دارم؟',
      reply: /^کارهای شما \(امروز\) — ۱ مورد:\n- \*\*جلسه با مدیر\*\* · سررسید چهارشنبه ۲۰ اسفند ۱۴۰۴، ساعت ۱۸:۰۰$/,
      then: nothingChanged,
    },
    { say: 'کدوم کارها عقب افتاده؟', reply: /^کارهای عقب‌افتاده — ۱ مورد:\n- \*\*پرداخت اجاره\*\*/, then: nothingChanged },
    { say: 'کارهای با تگ خانه', reply: /^کارهای با برچسب #خانه — ۱ مورد:\n- \*\*خرید نان\*\*/, then: nothingChanged },
    { say: 'لیست کارهای انجام‌شده', reply: /^کاری \(انجام‌شده\) ندارید\.$/, then: nothingChanged },
  ]);
});

describe('changing', () => {
  run([
    {
      say: 'خرید نان رو تموم کردم',
      reply: /^انجام شد: \*\*خرید نان\*\* تکمیل شد\.$/,
      then: (after) => expect(named(after, 'خرید نان').status).toBe('completed'),
    },
    { say: 'کار جلسه با مدیر انجام شد', then: (after) => expect(named(after, 'جلسه با مدیر').status).toBe('completed') },
    {
      say: 'پرداخت اجاره رو پاک کن',
      reply: /^\*\*پرداخت اجاره\*\* حذف شد\.$/,
      then: (after) => expect(after.map((task) => task.name)).not.toContain('پرداخت اجاره'),
    },
    // A new day keeps the time of day (08:00); a given time replaces it.
    {
      say: 'خرید نان رو بنداز برای سه‌شنبه',
      reply: /^سررسید \*\*خرید نان\*\* اکنون \*\*سه‌شنبه ۲۶ اسفند ۱۴۰۴، ساعت ۰۸:۰۰\*\* است\.$/,
      then: (after) => expect(named(after, 'خرید نان').dueDateJalali).toBe('1404-12-26T08:00:00'),
    },
    {
      say: 'زمان جلسه با مدیر را به فردا ساعت ۹ تغییر بده',
      then: (after) => expect(named(after, 'جلسه با مدیر').dueDateJalali).toBe('1404-12-21T09:00:00'),
    },
    { say: 'خرید نان را دو روز عقب بنداز', then: (after) => expect(named(after, 'خرید نان').dueDateJalali).toBe('1404-12-23T08:00:00') },
    {
      say: 'جلسه با مدیر را یک ساعت جلو بنداز',
      then: (after) => expect(named(after, 'جلسه با مدیر').dueDateJalali).toBe('1404-12-20T17:00:00'),
    },
    {
      say: 'اسم خرید شیر رو به خرید شیر کم‌چرب عوض کن',
      reply: /^نام \*\*خرید شیر\*\* به \*\*خرید شیر کم‌چرب\*\* تغییر کرد\.$/,
      then: (after) => expect(after.map((task) => task.name)).toContain('خرید شیر کم‌چرب'),
    },
    { say: 'اولویت خرید شیر را بالا کن', then: (after) => expect(named(after, 'خرید شیر').priority).toBe('high') },
    // Several match: it asks, in Persian, and the answer may be a Persian ordinal.
    {
      say: ['خرید را حذف کن', 'دومی'],
      then: (after, _, said) => expect(after.map((task) => task.name)).not.toContain(offered(said[0]!)[1]),
    },
    { say: ['خرید را حذف کن', '۱'], then: (after, _, said) => expect(after.map((task) => task.name)).not.toContain(offered(said[0]!)[0]) },
    { say: ['خرید را حذف کن', 'نه'], reply: /^باشه، چیزی را تغییر ندادم\.$/, then: nothingChanged },
    { say: 'کار ماهیگیری را حذف کن', reply: /^کاری با «ماهیگیری» پیدا نکردم/, then: nothingChanged },
    { say: 'آواز بخوان', reply: /^متوجه نشدم، پس چیزی را تغییر ندادم\./, then: nothingChanged },
  ]);
});

describe('what to do first', () => {
  run([
    {
      say: 'اول چه کاری انجام بدم؟',
      reply:
        /^پیشنهاد من، به ترتیب فوریت:\n۱\. \*\*پرداخت اجاره\*\*: سررسیدش گذشته \(سه‌شنبه ۱۹ اسفند ۱۴۰۴، ساعت ۱۲:۰۰\)، اولویت بالا\n۲\. \*\*جلسه با مدیر\*\*: سررسیدش امروز است/,
      then: nothingChanged,
    },
  ]);
});

/** The task names a Persian reply listed, in its order (`۱. **نام** · …`). */
function offered(said: Said): string[] {
  return [...said.content.matchAll(/^[۰-۹]+\. \*\*(.+?)\*\*/gm)].map((match) => match[1]!);
}
