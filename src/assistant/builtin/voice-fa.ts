// The built-in assistant's Persian replies: Persian digits and Jalali dates in the user's zone
// (پنجشنبه ۲۱ اسفند ۱۴۰۴، ساعت ۱۸:۰۰).
import { digitsEnToFa } from '@persian-tools/persian-tools';
import type { Reason } from '../advice.js';
import type { TaskView } from '../tools.js';
import { escapeMarkdown, hashTags, taskTitle, type Voice } from './voice.js';

const STATUS: Record<string, string> = { pending: 'در انتظار', in_progress: 'در حال انجام', completed: 'انجام‌شده', cancelled: 'لغوشده' };
const PRIORITY: Record<string, string> = { high: 'بالا', medium: 'متوسط', low: 'پایین' };
const n = (value: number | string) => digitsEnToFa(String(value));

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsOf(instant: Date, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('fa-IR-u-ca-persian-nu-arabext', {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
}

/** "پنجشنبه ۲۱ اسفند ۱۴۰۴، ساعت ۱۸:۰۰": a task's due time in the Jalali calendar, on the user's wall clock. */
export function jalaliDue(task: TaskView, timeZone: string): string | null {
  if (!task.dueAt) return null;
  const parts = partsOf(new Date(task.dueAt), timeZone);
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}، ساعت ${parts.hour}:${parts.minute}`;
}

const REASONS: Record<Reason, (due: string | null) => string> = {
  overdue: (due) => `سررسیدش گذشته (${due})`,
  due_today: (due) => `سررسیدش امروز است (${due})`,
  due_soon: (due) => `سررسیدش نزدیک است (${due})`,
  high_priority: () => 'اولویت بالا',
  in_progress: () => 'شروعش کرده‌اید',
  waiting_longest: () => 'از همه قدیمی‌تر است',
};

const CAPABILITIES = [
  'کارهایی که از من برمی‌آید:',
  '- **افزودن**: *یک کار اضافه کن: خرید نان فردا ساعت ۸ صبح*',
  '- **فهرست**: *کارهامو نشون بده*، *کارهای امروز*، *کارهای عقب‌افتاده*، *کارهای با برچسب #خانه*',
  '- **انجام و حذف**: *خرید نان را انجام دادم*، *خرید نان را حذف کن*',
  '- **جابه‌جایی و تغییر نام**: *خرید نان را به پس‌فردا منتقل کن*، *خرید نان را یک روز عقب بنداز*، *اسم خرید نان را به خرید شیر تغییر بده*',
  '- **برنامه‌ریزی**: *اول چه کاری انجام بدم؟*',
].join('\n');

/** A Voice speaking Persian, with dates in the Jalali calendar of `timeZone`. */
export function persianVoice(timeZone: string): Voice {
  const due = (task: TaskView) => jalaliDue(task, timeZone);
  const line = (task: TaskView, options: { status?: boolean; priority?: boolean } = {}) => {
    const parts = [taskTitle(task)];
    if (options.priority !== false && task.priority !== 'medium') parts.push(`اولویت ${PRIORITY[task.priority]}`);
    if (options.status !== false && task.status !== 'pending') parts.push(STATUS[task.status]!);
    if (task.dueAt) parts.push(`${task.overdue ? '**عقب‌افتاده**، سررسید' : 'سررسید'} ${due(task)}`);
    if (task.tags.length) parts.push(hashTags(task.tags));
    return parts.join(' · ');
  };
  const taskList: Voice['taskList'] = (tasks, options = {}) =>
    tasks.map((task, index) => `${options.numbered ? `${n(index + 1)}.` : '-'} ${line(task, options)}`).join('\n');
  const numbered = (tasks: readonly TaskView[]) => taskList(tasks, { numbered: tasks.length > 1 });

  return {
    language: 'fa',
    taskList,
    created(task) {
      const details = [`اولویت ${PRIORITY[task.priority]}`];
      if (task.dueAt) details.push(`سررسید ${due(task)}`);
      if (task.tags.length) details.push(hashTags(task.tags));
      return `${taskTitle(task)} اضافه شد (${details.join('، ')}).`;
    },
    listed(tasks, filter) {
      const kind = [
        filter.status ? STATUS[filter.status] : null,
        filter.priority ? `با اولویت ${PRIORITY[filter.priority]}` : null,
        filter.dueToday ? 'امروز' : null,
      ]
        .filter(Boolean)
        .join('، ');
      if (tasks.length === 0) return kind ? `کاری (${kind}) ندارید.` : 'هیچ کاری ندارید.';
      return `کارهای شما${kind ? ` (${kind})` : ''} — ${n(tasks.length)} مورد:\n${taskList(tasks, { status: !filter.status, numbered: tasks.length > 1 })}`;
    },
    overdue: (tasks) =>
      tasks.length ? `کارهای عقب‌افتاده — ${n(tasks.length)} مورد:\n${numbered(tasks)}` : 'هیچ کاری عقب نیفتاده است. آفرین!',
    tagged: (tag, tasks) =>
      tasks.length
        ? `کارهای با برچسب #${escapeMarkdown(tag)} — ${n(tasks.length)} مورد:\n${numbered(tasks)}`
        : `هیچ کاری برچسب #${escapeMarkdown(tag)} ندارد.`,
    searched: (text, tasks) =>
      tasks.length
        ? `کارهای مطابق «${escapeMarkdown(text)}» — ${n(tasks.length)} مورد:\n${numbered(tasks)}`
        : `هیچ کاری با «${escapeMarkdown(text)}» پیدا نشد.`,
    statistics(stats) {
      if (stats.total === 0) return 'هنوز هیچ کاری ندارید. مثلاً بگویید: *یک کار اضافه کن: خرید نان فردا*';
      return [
        `شما **${n(stats.total)}** کار دارید: ${n(stats.byStatus.pending)} در انتظار، ${n(stats.byStatus.in_progress)} در حال انجام، ${n(stats.byStatus.completed)} انجام‌شده، ${n(stats.byStatus.cancelled)} لغوشده.`,
        `- اولویت: ${n(stats.byPriority.high)} بالا، ${n(stats.byPriority.medium)} متوسط، ${n(stats.byPriority.low)} پایین`,
        `- عقب‌افتاده: **${n(stats.overdue)}**`,
        `- سررسید امروز: **${n(stats.dueToday)}**`,
      ].join('\n');
    },
    groups(by, groups) {
      const heading = (key: string) => (by === 'priority' ? `اولویت ${PRIORITY[key]}` : STATUS[key]!);
      const sections = Object.entries(groups)
        .filter(([, tasks]) => tasks.length > 0)
        .map(
          ([key, tasks]) =>
            `**${heading(key)}** (${n(tasks.length)})\n${taskList(tasks, by === 'priority' ? { priority: false } : { status: false })}`,
        );
      return sections.length ? sections.join('\n\n') : 'هیچ کاری ندارید.';
    },
    advice(suggestions) {
      if (suggestions.length === 0) return 'هیچ کار بازی ندارید؛ فعلاً کاری برای شروع نیست.';
      const pressing = !suggestions.every((entry) => entry.reasons.includes('waiting_longest'));
      const lines = suggestions.map(
        ({ task, reasons }, index) =>
          `${n(index + 1)}. ${taskTitle(task)}: ${reasons.map((reason) => REASONS[reason](due(task))).join('، ')}`,
      );
      return `${pressing ? 'پیشنهاد من، به ترتیب فوریت:' : 'کار فوری‌ای ندارید. می‌توانید از قدیمی‌ترین‌ها شروع کنید:'}\n${lines.join('\n')}`;
    },

    completed: (task) => `انجام شد: ${taskTitle(task)} تکمیل شد.`,
    alreadyCompleted: (task) => `${taskTitle(task)} از قبل انجام‌شده است.`,
    deleted: (task) => `${taskTitle(task)} حذف شد.`,
    priority: (task) => `اولویت ${taskTitle(task)} اکنون **${PRIORITY[task.priority]}** است.`,
    priorityAtLimit: (task) => `اولویت ${taskTitle(task)} همین حالا هم **${PRIORITY[task.priority]}** است.`,
    status: (task) => `وضعیت ${taskTitle(task)} اکنون **${STATUS[task.status]}** است.`,
    renamed: (before, after) => `نام ${taskTitle(before)} به ${taskTitle(after)} تغییر کرد.`,
    due: (task) => `سررسید ${taskTitle(task)} اکنون **${due(task)}** است.`,
    dueCleared: (task) => `${taskTitle(task)} دیگر سررسید ندارد.`,
    tagsAdded: (task) => `برچسب‌های ${taskTitle(task)}: ${hashTags(task.tags)}`,
    tagsRemoved: (task, removed) => `${hashTags(removed)} از ${taskTitle(task)} برداشته شد.`,
    tagsMissing: (task, tags) => `${taskTitle(task)} برچسب ${hashTags(tags)} ندارد؛ چیزی تغییر نکرد.`,
    noted: (task) =>
      task.description
        ? `یادداشت ${taskTitle(task)}:\n> ${escapeMarkdown(task.description).replace(/\n/g, '\n> ')}`
        : `یادداشت ${taskTitle(task)} پاک شد.`,

    notFound: (reference) => `کاری با «${escapeMarkdown(reference)}» پیدا نکردم. برای دیدن کارها بگویید: *کارهامو نشون بده*`,
    whichOne: (reference, tasks) =>
      `${reference ? `چند کار با «${escapeMarkdown(reference)}» جور درمی‌آید. منظورتان کدام است؟` : 'منظورتان کدام کار است؟'}\n${taskList(tasks, { numbered: true })}\n\nشماره‌اش (مثلاً *اولی* یا *۲*) یا نامش را بگویید.`,
    didYouMean: (task) => `منظورتان ${taskTitle(task)} است؟ (*بله* / *نه*)`,
    noOpenTasks: () => 'هیچ کار بازی ندارید.',
    whichTaskForIt: () => 'کدام کار؟ نامش را بگویید، مثلاً: *خرید نان را انجام دادم*',
    noSuchPlace: (index) => `در فهرستی که نشان دادم کار شماره ${n(index)} نیست.`,
    askName: () => 'نام کار جدید چه باشد؟ مثلاً: *خرید نان فردا ساعت ۸ صبح*',
    askNewName: (task) => `نام تازهٔ ${taskTitle(task)} چه باشد؟`,
    askWhen: (task) => `سررسید ${taskTitle(task)} کی باشد؟ مثلاً: *فردا ساعت ۱۰*، *شنبه*، *۲۰ آذر*`,
    cancelled: () => 'باشه، چیزی را تغییر ندادم.',
    failed: (error) => `متأسفانه انجام نشد: ${escapeMarkdown(error)}`,
    greeting: () => `سلام! من کارهای شما را مدیریت می‌کنم.\n\n${CAPABILITIES}`,
    help: () => CAPABILITIES,
    unknown: () => `متوجه نشدم، پس چیزی را تغییر ندادم.\n\n${CAPABILITIES}`,
  };
}
