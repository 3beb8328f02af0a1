import { authorize, type Principal } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import type { FigureScope, Period } from './kpis.ports';

/**
 * THE rule of whose figures a caller reads: a city regulator the city's (or one district's, or
 * one enterprise's, when asked), a district regulator its own district's only, an enterprise
 * admin its own enterprise's only. Asking for another district or enterprise is refused (403)
 * rather than answered with zeros that would read as "nothing happened there".
 */
export function figureScope(principal: Principal, asked: { district?: string; enterpriseId?: string }): FigureScope {
  authorize(principal, 'kpis', 'read');
  switch (principal.role) {
    case 'city_regulator':
      return { ...(asked.district ? { districtCode: asked.district } : {}), ...(asked.enterpriseId ? { enterpriseId: asked.enterpriseId } : {}) };
    case 'district_regulator': {
      const own = principal.districtCode;
      if (!own || (asked.district && asked.district !== own)) throw AppError.forbidden('A district regulator reads the figures of its own district only');
      return { districtCode: own, ...(asked.enterpriseId ? { enterpriseId: asked.enterpriseId } : {}) };
    }
    case 'enterprise_admin': {
      const own = principal.enterpriseId;
      if (!own || (asked.enterpriseId && asked.enterpriseId !== own)) throw AppError.forbidden('An enterprise reads the figures of its own enterprise only');
      return { enterpriseId: own, ...(asked.district ? { districtCode: asked.district } : {}) };
    }
    default:
      throw AppError.forbidden(`Role ${principal.role} may not read kpis`);
  }
}

const DAY_MS = 86_400_000;
/** The longest period a query may ask for. */
export const MAX_PERIOD_DAYS = 366;
const DEFAULT_PERIOD_DAYS = 30;
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
/** A day starts at midnight city time (UTC+8, no daylight saving). */
const dayStart = (s: string) => new Date(`${s}T00:00:00+08:00`);

/** The period a query names: `from` inclusive; `to` a day included whole or an exclusive instant; defaults: the 30 days up to now. */
export function periodOf(query: { from?: string | undefined; to?: string | undefined }, now: Date): Period {
  const to = query.to === undefined ? now : isDay(query.to) ? new Date(dayStart(query.to).getTime() + DAY_MS) : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS) : isDay(query.from) ? dayStart(query.from) : new Date(query.from);
  if (from.getTime() >= to.getTime()) throw AppError.validation([{ path: 'to', message: 'must be after from' }]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw AppError.validation([{ path: 'to', message: `must be at most ${MAX_PERIOD_DAYS} days after from` }]);
  return { from, to };
}
