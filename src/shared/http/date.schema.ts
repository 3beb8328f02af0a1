import type { FieldError } from '../errors/app.error';
import { z } from '../openapi/zod.openapi';

/**
 * The checks every date a request carries shares, beyond its format: the day exists (no
 * 2026-02-30), the year is one a record of this platform can be in (1900–9999: year 0000 is a
 * format's, not a calendar's), and a zone offset is one a place on Earth has (−12:00 … +14:00).
 * Each check passes a text its format check refuses anyway, so a field gets one problem, not three.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

const DAY = /^(\d{4})-(\d{2})-(\d{2})/;
const OFFSET = /T.*([+-])(\d{2}):(\d{2})$/;

export const DATE_MESSAGES = {
  notReal: 'is not a real date',
  year: 'must be in the years 1900 to 9999',
  zone: 'must have a zone offset from -12:00 to +14:00',
} as const;

/** How far ahead of the platform clock a reported time may be (a scale's or phone's clock running fast). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/** A reported time more than MAX_CLOCK_AHEAD_MS ahead of `now` is a field error naming `path`. */
export function aheadOfPlatform(at: string, now: Date, path: string): FieldError[] {
  return Date.parse(at) > now.getTime() + MAX_CLOCK_AHEAD_MS ? [{ path, message: 'is more than 5 minutes ahead of the platform clock' }] : [];
}

/** The calendar day of the text's first ten characters exists. */
export function isRealDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return true;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function isYearInRange(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return true;
  const year = Number(m[1]);
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

export function isZoneOnEarth(text: string): boolean {
  const m = OFFSET.exec(text);
  if (!m) return true;
  const minutes = (Number(m[2]) * 60 + Number(m[3])) * (m[1] === '-' ? -1 : 1);
  return Number(m[3]) < 60 && minutes >= -12 * 60 && minutes <= 14 * 60;
}

interface Refinable<T> {
  refine(check: (value: string) => boolean, params: { message: string; when: (payload: { issues: readonly unknown[] }) => boolean }): T;
}

/** Only a text nothing is wrong with yet: one problem per field. */
const clean = (payload: { issues: readonly unknown[] }) => payload.issues.length === 0;

/** `schema` (a string schema that already checks the format) with the three checks above. */
export function realDate<T extends Refinable<T>>(schema: T): T {
  return schema
    .refine(isRealDay, { message: DATE_MESSAGES.notReal, when: clean })
    .refine(isYearInRange, { message: DATE_MESSAGES.year, when: clean })
    .refine(isZoneOnEarth, { message: DATE_MESSAGES.zone, when: clean });
}

/** An instant: ISO 8601 date-time with a zone (Z or an offset), a real one. */
export const isoInstant = realDate(z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a zone' }));

/** A calendar day: YYYY-MM-DD, a real one. */
export const isoCalendarDay = realDate(z.iso.date('must be a date (YYYY-MM-DD)'));
