import type { Account, AlertView } from './regulator.api';

import { dateTime, day } from '../../components/city-time';

export { day };

/** Small shared formatting of the regulator pages: times in the city's zone (as every console shows them), severities, accounts. */
export function when(iso: string | null | undefined): string {
  return dateTime(iso) || (iso ?? '');
}

export const SEVERITY_TAG: Record<AlertView['severity'], 'danger' | 'warning' | 'primary' | 'info'> = {
  critical: 'danger',
  high: 'warning',
  medium: 'primary',
  low: 'info',
};

export const STATUS_TAG: Record<string, 'danger' | 'warning' | 'success' | 'info' | 'primary'> = {
  open: 'danger',
  acknowledged: 'warning',
  dismissed: 'info',
  closed: 'success',
  assigned: 'warning',
  submitted: 'primary',
  escalated: 'danger',
  new: 'danger',
  in_case: 'warning',
};

export function accountName(a: Account | null | undefined): string {
  if (!a) return '';
  return a.displayName && a.displayName !== a.username ? `${a.displayName} (${a.username})` : a.username;
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** From the city's midnight `days` ago until now: the default period of the figures. */
export function lastDays(days: number, to = new Date()): { from: string; to: string } {
  const firstDay = day(new Date(to.getTime() - days * 86_400_000).toISOString());
  return { from: new Date(`${firstDay}T00:00:00+08:00`).toISOString(), to: to.toISOString() };
}

/** The end of the chosen day in the city (a deadline picked as a date). */
export function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59+08:00`).toISOString();
}

/** A note the platform wrote may carry ISO times (a deadline): shown in the console's zone, to the minute. */
export function withTimes(text: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g, (iso) => when(iso));
}

/** A moment as an ISO date-time in the console's own zone (what the date-time picker reads and writes). */
export function localIso(d: Date): string {
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const offset = -d.getTimezoneOffset();
  const zone = `${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${zone}`;
}
