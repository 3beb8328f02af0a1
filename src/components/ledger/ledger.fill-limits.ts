/**
 * How much gas a cylinder may hold, per model, and what a fill or re-weigh is marked with (pure).
 * The one table the filling-scale interlock (targetNetKg, maxGrossKg) and the ledger (the marks
 * on every fill, whoever records it) read, configured once (SCALE_FILL_LIMITS, SCALE_TARE_TOLERANCE_KG).
 *
 * Defaults: YSP-15 may hold 14.5 kg ± 0.5 kg, the figure of the former GB 17267 for a 15 kg
 * cylinder; YSP-5 and YSP-50 in proportion to their nominal mass (4.83 ± 0.17 kg, 48.33 ± 1.67
 * kg). A cylinder made to GB 5842-2023 has its permitted fill mass stamped on it; a city that wants
 * those figures configures them per model.
 */
export interface FillLimit {
  /** The permitted fill mass (允许充装量): the net the scale aims at. */
  permittedNetKg: number;
  /** How far above it a net is still no overfill (the scale's and the valve's tolerance). */
  toleranceKg: number;
}

export interface FillLimits {
  models: Readonly<Record<string, FillLimit>>;
  /** A measured tare further than this from the registered one is marked `tare_mismatch`. */
  tareToleranceKg: number;
}

export const DEFAULT_FILL_LIMITS: FillLimits = {
  models: {
    'YSP-5': { permittedNetKg: 4.83, toleranceKg: 0.17 },
    'YSP-15': { permittedNetKg: 14.5, toleranceKg: 0.5 },
    'YSP-50': { permittedNetKg: 48.33, toleranceKg: 1.67 },
  },
  tareToleranceKg: 0.5,
};

export type FillAnomaly = 'overfill' | 'tare_mismatch' | 'manual_mode';
export const FILL_ANOMALIES: readonly FillAnomaly[] = ['overfill', 'tare_mismatch', 'manual_mode'];

const round2 = (kg: number) => Math.round(kg * 100) / 100;

/** The model's limit; a model the table lacks is held to YSP-15's figures in proportion to its nominal mass. */
export function fillLimitOf(limits: FillLimits, model: string | undefined, nominalKg: number | undefined): FillLimit {
  const listed = model ? limits.models[model] : undefined;
  if (listed) return listed;
  const base = limits.models['YSP-15'] ?? (DEFAULT_FILL_LIMITS.models['YSP-15'] as FillLimit);
  const ratio = (nominalKg ?? 15) / 15;
  return { permittedNetKg: round2(base.permittedNetKg * ratio), toleranceKg: round2(base.toleranceKg * ratio) };
}

export function maxNetKg(limit: FillLimit): number {
  return round2(limit.permittedNetKg + limit.toleranceKg);
}

/** The marks a weighing earns: above the permitted mass plus tolerance; a tare too far from the registered one. */
export function weighingAnomalies(limits: FillLimits, limit: FillLimit, weighed: { netKg: number; tareKg: number }, registeredTareKg: number | undefined): FillAnomaly[] {
  const marks: FillAnomaly[] = [];
  if (weighed.netKg > maxNetKg(limit)) marks.push('overfill');
  if (registeredTareKg !== undefined && Math.abs(weighed.tareKg - registeredTareKg) > limits.tareToleranceKg) marks.push('tare_mismatch');
  return marks;
}

/** Payload fields of a fill or re-weigh the ledger sets itself: a sender's are replaced, and a resend is compared without them. */
export const PLATFORM_FIELDS = ['permittedNetKg', 'maxNetKg', 'withinLimits', 'anomalies'] as const;

/**
 * A fill's or re-weigh's payload as stored: the sender's weights, with the ledger's own marks
 * from the cylinder's model and registered tare (and `manual_mode` for a fill a user recorded in
 * a manual-mode window). A re-weigh also says whether it is within limits.
 */
export function markedPayload(
  type: 'fill' | 'reweigh',
  payload: Record<string, unknown>,
  limits: FillLimits,
  cylinder: { model?: string; nominalKg?: number; tareKg?: number },
  manual: boolean,
): Record<string, unknown> {
  const limit = fillLimitOf(limits, cylinder.model, cylinder.nominalKg);
  const weighed = { netKg: Number(payload.netKg), tareKg: Number(payload.tareKg) };
  const anomalies = [...weighingAnomalies(limits, limit, weighed, cylinder.tareKg), ...(manual ? (['manual_mode'] as const) : [])];
  const own = Object.fromEntries(Object.entries(payload).filter(([key]) => !(PLATFORM_FIELDS as readonly string[]).includes(key)));
  const max = maxNetKg(limit);
  return {
    ...own,
    permittedNetKg: limit.permittedNetKg,
    ...(type === 'reweigh' ? { maxNetKg: max, withinLimits: weighed.netKg <= max } : {}),
    ...(anomalies.length > 0 ? { anomalies } : {}),
  };
}
