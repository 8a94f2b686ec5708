// The Jalali (Solar Hijri) rendering the assistant's instructions show beside the Gregorian time:
// the same one the task columns use.
export { toJalali as formatJalali } from '../tasks/calendar.js';
