/**
 * Dates and times as every console page shows them: in the city's time (UTC+8, where
 * the platform's days are counted), whatever the browser's zone, so "today" means the same day the
 * platform's fill counts mean.
 */
const CITY_OFFSET_MS = 8 * 3_600_000;

const city = (iso: string | null | undefined): string => {
  if (!iso) return '';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : new Date(at + CITY_OFFSET_MS).toISOString();
};

/** 2025-06-01 08:30 */
export const dateTime = (iso: string | null | undefined): string => city(iso).slice(0, 16).replace('T', ' ');
/** 2025-06-01 08:30:15 */
export const dateTimeSeconds = (iso: string | null | undefined): string => city(iso).slice(0, 19).replace('T', ' ');
/** 08:30:15 */
export const clock = (iso: string | null | undefined): string => city(iso).slice(11, 19);
/** 2025-06-01 */
export const day = (iso: string | null | undefined): string => city(iso).slice(0, 10);
/** The city's calendar day now. */
export const today = (now = Date.now()): string => new Date(now + CITY_OFFSET_MS).toISOString().slice(0, 10);
