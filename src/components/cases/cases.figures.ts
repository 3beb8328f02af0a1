import { Types } from 'mongoose';
import type { CasesRepository, Filter } from './cases.repository';

export interface CaseFigures {
  /** Not closed now. */
  open: number;
  /** Assigned now and past the rectification deadline. */
  overdue: number;
  /** Opened within the period. */
  opened: number;
  closedRectified: number;
  closedUnfounded: number;
  /** Sent back (reviewed not rectified) within the period. */
  escalated: number;
}

/** The case figures the KPIs read, counted with indexed queries within a scope and a period [from, to). */
export function caseFigures(repo: Pick<CasesRepository, 'count'>, now: () => Date) {
  return async (scope: { district?: string; enterpriseId?: string }, period: { from: Date; to: Date }): Promise<CaseFigures> => {
    const where: Filter = {
      ...(scope.district ? { districtCode: scope.district } : {}),
      ...(scope.enterpriseId ? { enterpriseId: Types.ObjectId.isValid(scope.enterpriseId) ? new Types.ObjectId(scope.enterpriseId) : null } : {}),
    };
    const within = { $gte: period.from, $lt: period.to };
    const [open, overdue, opened, closedRectified, closedUnfounded, escalated] = await Promise.all([
      repo.count({ ...where, status: { $ne: 'closed' } }),
      repo.count({ ...where, status: 'assigned', deadline: { $lt: now() } }),
      repo.count({ ...where, createdAt: within }),
      repo.count({ ...where, closedAt: within, outcome: 'rectified' }),
      repo.count({ ...where, closedAt: within, outcome: 'unfounded' }),
      repo.count({ ...where, history: { $elemMatch: { to: 'escalated', at: within } } }),
    ]);
    return { open, overdue, opened, closedRectified, closedUnfounded, escalated };
  };
}
