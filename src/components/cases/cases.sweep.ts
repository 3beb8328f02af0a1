import { composed, type AlertSweep, type SweepNotice } from '../alerts';
import type { CasesRepository } from './cases.repository';

/** How often supervision looks for cases past their rectification deadline. */
export const OVERDUE_SWEEP_MS = 5 * 60_000;

/**
 * RECTIFICATION_OVERDUE: an assigned case whose deadline passed without a rectification. One
 * notice per case and deadline: a new deadline (assigned again) that also passes is noticed again.
 */
export function overdueSweep(repo: Pick<CasesRepository, 'overdue'>, everyMs = OVERDUE_SWEEP_MS): AlertSweep {
  return {
    name: 'cases-overdue',
    everyMs,
    async run(now: Date): Promise<SweepNotice[]> {
      const overdue = await repo.overdue(now, 5_000);
      return overdue.flatMap((c) => {
        if (!c.deadline) return [];
        const id = c._id.toHexString();
        const deadline = c.deadline.toISOString();
        return [
          {
            noticeKey: `case:${id}`,
            noticed: deadline,
            finding: {
              rule: 'RECTIFICATION_OVERDUE',
              subject: { kind: 'case', id },
              districtCode: c.districtCode,
              enterpriseId: c.enterpriseId ? c.enterpriseId.toHexString() : null,
              evidence: { kind: 'case', id: `${id}@${deadline}`, at: now, ...composed({ code: 'RECTIFICATION_OVERDUE', params: { number: c.number, deadline } }) },
            },
          },
        ];
      });
    },
  };
}
