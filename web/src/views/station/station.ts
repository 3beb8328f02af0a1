/** What the station page reads (devices component): the station's controls, its decisions, its day's fills. */
export interface Lock {
  reason: string;
  at: string;
  by: string;
  byRole: string;
}

export interface ScaleState {
  id: string;
  name: string;
  status: string;
  online: boolean;
  lastSeenAt: string | null;
  lock: Lock | null;
  firmware: string | null;
  calibrationDueOn: string | null;
  bufferedReports: number | null;
}

export interface StationControls {
  siteId: string;
  lock: Lock | null;
  manualMode: { from: string; until: string; reason: string } | null;
  scales: ScaleState[];
}

export interface StationDecision {
  id: string;
  seq: number;
  kind: 'authorize' | 'report_refused';
  decision: 'allow' | 'deny';
  reasons: { code: string; detail: string }[];
  scale: { id: string; name: string | null };
  cylinder: { id: string | null; serial: string | null; grai: string | null };
  code: string;
  operator: string;
  targetNetKg: number | null;
  at: string;
}

interface Tally {
  fills: number;
  netKg: number;
  anomalous: number;
  lastAt: string;
}
export interface FillSummary {
  siteId: string;
  day: string;
  fills: number;
  netKg: number;
  byScale: (Tally & { scaleId: string; name: string | null })[];
  byOperator: (Tally & { staffNumber: string; workerId: string | null })[];
}

/** What a scale shows: locked (itself or its station) before offline before online; a revoked scale is out of service. */
export type ScaleLight = 'locked' | 'offline' | 'online' | 'revoked';
export function scaleLight(scale: ScaleState, station: StationControls): ScaleLight {
  if (scale.status === 'revoked') return 'revoked';
  if (scale.lock || station.lock) return 'locked';
  return scale.online ? 'online' : 'offline';
}

/** How often the page reads the station again: fills and denials show within this. */
export const POLL_MS = 5_000;
