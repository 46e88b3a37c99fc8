// The learner's calendar: days are 'YYYY-MM-DD' in APP_TIMEZONE, so a streak or "today" changes at
// the learner's midnight, not UTC's. Intl does the zone arithmetic (no date library needed).
import type { Clock } from '../../clock.js';

/** Where and when: the zone days are counted in and the clock that says "now". */
export interface LearnerCalendar {
  timeZone: string;
  clock: Clock;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of `at` in `timeZone`. */
function wallClock(at: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

/** The calendar day of `at` in `timeZone`, as 'YYYY-MM-DD'. */
export function dayIn(at: Date, timeZone: string): string {
  const { year, month, day } = wallClock(at, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function utcMidnight(day: string): number {
  const [year, month, date] = day.split('-').map(Number);
  return Date.UTC(year, month - 1, date);
}

/** Whole days from `from` to `to` (both 'YYYY-MM-DD'): 1 for consecutive days, negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / 86_400_000);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(new Date(at), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at / 1000) * 1000;
}

/** The instant `day` begins in `timeZone` (its local midnight). */
export function startOfDay(day: string, timeZone: string): Date {
  const midnight = utcMidnight(day);
  let start = midnight - offsetAt(midnight, timeZone);
  start = midnight - offsetAt(start, timeZone); // once more: the offset may differ at the real start (DST)
  return new Date(start);
}

/** The day before `day` ('YYYY-MM-DD'). */
export function dayBefore(day: string): string {
  return new Date(utcMidnight(day) - 86_400_000).toISOString().slice(0, 10);
}
