import { composed, type AlertSweep, type SweepNotice } from '../alerts';
import type { FlowGapSettings, ReconciliationService } from './reconciliation.service';

const DAY_MS = 86_400_000;
/** The fills a sweep looks at: those of the last 30 days (older gaps were alerted on while they were recent). */
export const FLOW_GAP_WINDOW_DAYS = 30;
/** How often supervision runs the sweep. */
export const FLOW_GAP_EVERY_MS = 3_600_000;

/**
 * The FLOW_GAP alert (registered with alerts.registerSweep): every hour, the reconciliation of the
 * fills of the last 30 days; a site with at least FLOW_GAP_MIN_CYLINDERS unaccounted cylinders is
 * noticed. The notice's state is the count, so a site whose gap grows is noticed again (a new
 * occurrence of its one open alert), one whose gap stays the same is not.
 */
export function flowGapSweep(reconciliation: Pick<ReconciliationService, 'reconcile'>, settings: FlowGapSettings): AlertSweep {
  return {
    name: 'flow-gap',
    everyMs: FLOW_GAP_EVERY_MS,
    async run(now) {
      const period = { from: new Date(now.getTime() - FLOW_GAP_WINDOW_DAYS * DAY_MS), to: now };
      const { rows } = await reconciliation.reconcile({}, period, now);
      return rows
        .filter((r) => r.siteId !== null && r.unaccounted >= settings.minCylinders)
        .map((r): SweepNotice => ({
          noticeKey: `flow-gap:${r.siteId as string}`,
          noticed: String(r.unaccounted),
          finding: {
            rule: 'FLOW_GAP',
            subject: { kind: 'site', id: r.siteId as string },
            districtCode: r.district,
            enterpriseId: r.enterpriseId,
            evidence: {
              kind: 'flow',
              id: `${r.siteId as string}:${r.unaccounted}`,
              at: now,
              ...composed({ code: 'FLOW_GAP', params: { unaccounted: r.unaccounted, total: r.reachedCustomers + r.unaccounted, windowDays: FLOW_GAP_WINDOW_DAYS, site: r.siteName ?? (r.siteId as string), days: settings.days } }),
            },
          },
        }));
    },
  };
}
