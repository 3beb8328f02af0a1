import type { City, CityEvent } from '../../seed/city';

/**
 * Plants extra diversion sites in a generated city (the demo city plants one): at each chosen
 * supply point, every cylinder received there in the last `days` days of the history is sold on to
 * nobody the platform knows (every `everyNth` cylinder of them) — its sale or hand-over after that receipt is removed, so the
 * cylinder stays "at the supply point" in the ledger until its empty comes back (return_empty is
 * legal from a supply point). Pure: answers a new city, the events still in chain order.
 */
export function withDiversionSites(city: City, sites: readonly number[], days: number, everyNth = 1): City {
  const since = Date.parse(city.anchor) - days * 86_400_000;
  const chosen = new Set(sites);
  /** Per cylinder: received at a chosen site and not yet back (its next sale or hand-over is dropped). */
  const diverted = new Set<number>();
  const events: CityEvent[] = [];
  for (const e of city.events) {
    if (typeof e.cylinder !== 'number') {
      events.push(e);
      continue;
    }
    // Every nth cylinder (by index) only: the site still delivers the others, as a real one would.
    if (e.type === 'receive' && e.site !== undefined && chosen.has(e.site) && Date.parse(e.occurredAt) >= since && e.cylinder % everyNth === 0) diverted.add(e.cylinder);
    else if (diverted.has(e.cylinder) && (e.type === 'sell' || e.type === 'hand_over')) continue;
    else if (e.type === 'return_empty' || e.type === 'fill') diverted.delete(e.cylinder);
    events.push(e);
  }
  return { ...city, events };
}

/** Supply points of the city other than the planted ones, of distinct enterprises, the busiest first (by receipts in the last `days`). */
export function busiestOtherPoints(city: City, count: number, days: number): number[] {
  const since = Date.parse(city.anchor) - days * 86_400_000;
  const receipts = new Map<number, number>();
  for (const e of city.events) {
    if (e.type === 'receive' && e.site !== undefined && Date.parse(e.occurredAt) >= since) receipts.set(e.site, (receipts.get(e.site) ?? 0) + 1);
  }
  const excluded = new Set([city.planted.diversionSite, city.planted.unlicensedSupplyPoint]);
  const plantedEnterprise = city.sites[city.planted.diversionSite]?.enterprise;
  const picked: number[] = [];
  const enterprises = new Set<number | undefined>([plantedEnterprise]);
  for (const [site] of [...receipts].sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
    const enterprise = city.sites[site]?.enterprise;
    if (excluded.has(site) || enterprises.has(enterprise)) continue;
    picked.push(site);
    enterprises.add(enterprise);
    if (picked.length === count) break;
  }
  return picked;
}
