import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Supervision's collections: `alerts` (one active alert per rule and subject), `alert_changes`
 * (every change in commit order, _id = its global position: the feed clients resume from),
 * `alert_tracks` (what the stateful rules remember) and `alert_runner` (one document: the
 * positions read up to in every source, the sweeps done and the change counters — written in the
 * transaction that writes the alerts, so a crash never loses or repeats a pass).
 */
const loose = { versionKey: false as const, strict: false, autoCreate: true };

export interface AlertModels {
  alerts: Model<Record<string, unknown>>;
  changes: Model<Record<string, unknown>>;
  tracks: Model<Record<string, unknown>>;
  runner: Model<Record<string, unknown>>;
}

const NAMES = { alerts: 'Alert', changes: 'AlertChange', tracks: 'AlertTrack', runner: 'AlertRunner' } as const;

function schemas(): Record<keyof AlertModels, Schema> {
  const alerts = new Schema({ ruleSubject: String, seq: Number }, { ...loose, collection: 'alerts' });
  // One active (open or acknowledged) alert per rule and subject: an occurrence updates it.
  alerts.index({ ruleSubject: 1 }, { unique: true, partialFilterExpression: { active: true } });
  // The feed and its filters, newest change first, within the reader's scope.
  alerts.index({ seq: -1 });
  alerts.index({ districtCode: 1, seq: -1 });
  alerts.index({ enterpriseId: 1, seq: -1 });
  alerts.index({ rule: 1, seq: -1 });
  alerts.index({ status: 1, seq: -1 });
  // Per subject: every alert about a site, worker, cylinder, ...
  alerts.index({ subjectKey: 1, seq: -1 });
  // The alerts a case handles (closed with it).
  alerts.index({ 'case.id': 1 }, { sparse: true });
  // KPIs (alerts.figures.ts): alerts of some rules first seen in a period.
  alerts.index({ rule: 1, firstSeenAt: 1 });

  const changes = new Schema({ _id: Number }, { ...loose, collection: 'alert_changes' });
  changes.index({ districtKey: 1, districtSeq: 1 }, { unique: true });
  changes.index({ districtCode: 1, _id: 1 });
  changes.index({ enterpriseId: 1, _id: 1 });

  const tracks = new Schema({ _id: String }, { ...loose, collection: 'alert_tracks' });
  const runner = new Schema({ _id: String }, { ...loose, collection: 'alert_runner' });
  return { alerts, changes, tracks, runner };
}

export function alertModels(connection: Connection): AlertModels {
  const defs = schemas();
  const bind = (key: keyof AlertModels) => (connection.models[NAMES[key]] ?? connection.model(NAMES[key], defs[key])) as Model<Record<string, unknown>>;
  return { alerts: bind('alerts'), changes: bind('changes'), tracks: bind('tracks'), runner: bind('runner') };
}
