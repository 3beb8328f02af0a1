import { createHmac } from 'node:crypto';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/** Upper-cases the check character and drops surrounding blanks, so one person has one hash. */
export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

/** A resident identity number (GB 11643-1999): 17 digits, a valid birth date, the ISO 7064 check character. */
export function isValidIdNumber(raw: string): boolean {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] === id[17];
}

/** The check character that completes 17 digits; used by builders to make valid test numbers. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] ?? '';
}

/** Keyed hash for matching a person without storing the number (HMAC-SHA256, hex). */
export function hashIdNumber(secret: string, raw: string): string {
  return createHmac('sha256', secret).update(normalizeIdNumber(raw)).digest('hex');
}

export function idNumberLast4(raw: string): string {
  return normalizeIdNumber(raw).slice(-4);
}

/** `**************1234`: 18 characters, the last 4 shown. */
export function maskIdNumber(last4: string): string {
  return `${'*'.repeat(14)}${last4}`;
}

/** `138****1234` for mobiles, `0763****5678` for landlines. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/-/g, '');
  if (digits.length <= 7) return `${digits.slice(0, 1)}****${digits.slice(-2)}`;
  // A landline keeps its area code: the part before the dash, else 4 digits for 12-digit numbers.
  const area = phone.includes('-') ? (phone.split('-')[0] ?? '') : digits.slice(0, digits.length >= 12 ? 4 : 3);
  const head = digits.startsWith('0') ? area : digits.slice(0, 3);
  return `${head}****${digits.slice(-4)}`;
}

export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Unified social credit code (GB 32100-2015), check character included. */
export function isValidUscc(raw: string): boolean {
  const code = raw.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return code[17] === usccCheckChar(code.slice(0, 17));
}

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i] ?? '') * (USCC_WEIGHTS[i] ?? 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31] ?? '';
}

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE_PATTERN = new RegExp(
  `^[${PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警]|[DF][A-HJ-NP-Z0-9]{5}|[0-9]{5}[DF])$`,
);

/** Drops blanks and the middle dot people write after the city letter (粤R·12345 → 粤R12345). */
export function normalizePlate(raw: string): string {
  return raw.replace(/[\s·•.-]/g, '').toUpperCase();
}

/** A mainland motor-vehicle plate (GA 36): ordinary, trailer or new-energy. */
export function isValidPlate(raw: string): boolean {
  return PLATE_PATTERN.test(normalizePlate(raw));
}
