import { idNumberCheckChar } from '../../src/components/registry/registry.pii';

let counter = 0;
/** A process-wide sequence so that builders never collide on natural keys. */
export function next(): number {
  counter += 1;
  return counter;
}

/** A valid 18-character resident ID number (Qingyuan area code, real birth date, right check char). */
export function anIdNumber(n: number = next()): string {
  const birth = `19${String(60 + (n % 40)).padStart(2, '0')}${String((n % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}`;
  const first17 = `441802${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 粤R + 5 characters: Qingyuan's plates. */
export function aPlate(n: number = next()): string {
  return `粤R${PLATE_LETTERS[n % PLATE_LETTERS.length]}${String(n % 10000).padStart(4, '0')}`;
}

export function aMobile(n: number = next()): string {
  return `138${String(n).padStart(8, '0').slice(-8)}`;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function daysFrom(now: Date, days: number): string {
  return isoDay(new Date(now.getTime() + days * 86_400_000));
}

export function yearsFrom(now: Date, years: number): string {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return isoDay(d);
}
