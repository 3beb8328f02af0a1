import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Phrase } from '../alerts';
import type { CaseStatus, ClosedOutcome } from './cases.lifecycle';

/** An account as a case names it: who acted, who is assigned. */
export interface CaseAccount {
  id: string;
  username: string;
  displayName?: string;
  role: string;
}

export const SOURCE_TYPES = ['alerts', 'report', 'hazard', 'own'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
export const SUBJECT_TYPES = ['site', 'enterprise', 'worker', 'cylinder', 'vehicle', 'location'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface CaseSubject {
  type: SubjectType;
  id?: string;
  name?: string;
  location?: { lat: number; lng: number; address?: string };
}

export interface CaseSource {
  type: SourceType;
  alertIds?: string[];
  reportId?: string;
  hazardIds?: string[];
}

export interface HistoryEntry {
  action: 'open' | 'assign' | 'rectification' | 'review';
  from: CaseStatus | null;
  to: CaseStatus;
  by: CaseAccount;
  at: Date;
  /** What the person wrote, or the English of what the system wrote (`phrases`). */
  note: string | null;
  /** A note the system wrote, as phrases of the texts table (alerts.texts.ts): rendered in the reader's language. */
  phrases?: Phrase[];
}

export interface Rectification {
  text: string;
  photoIds: string[];
  by: CaseAccount;
  at: Date;
}

export interface CaseDoc {
  _id: Types.ObjectId;
  /** `{district}-{year}-{0001}`: gap-free per district and year (the counter moves in the case's transaction). */
  number: string;
  districtCode: string;
  year: number;
  status: CaseStatus;
  outcome: ClosedOutcome | null;
  enterpriseId: Types.ObjectId | null;
  enterpriseName: string | null;
  subject: CaseSubject;
  legalBasis: string;
  title: string;
  description: string | null;
  source: CaseSource;
  alertIds: string[];
  reportIds: string[];
  hazardIds: string[];
  officer: CaseAccount | null;
  deadline: Date | null;
  rectifications: Rectification[];
  history: HistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

/** A photo of a case's evidence (a rectification, a re-inspection): bounded, its type sniffed from its bytes. */
export interface CasePhotoDoc {
  _id: Types.ObjectId;
  caseId: Types.ObjectId;
  districtCode: string;
  enterpriseId: Types.ObjectId | null;
  type: string;
  bytes: number;
  sha256: string;
  data: Buffer;
  uploadedBy: CaseAccount;
  createdAt: Date;
}

export interface CaseCounterDoc {
  _id: string;
  seq: number;
}

export interface CaseModels {
  cases: Model<CaseDoc>;
  photos: Model<CasePhotoDoc>;
  counters: Model<CaseCounterDoc>;
}

const loose = { versionKey: false as const, strict: false, autoCreate: true };
const NAMES = { cases: 'Case', photos: 'CasePhoto', counters: 'CaseCounter' } as const;

function schemas() {
  const cases = new Schema<CaseDoc>({}, { ...loose, collection: 'cases' });
  cases.index({ number: 1 }, { unique: true });
  // Listings newest first within each scope, and by status within each scope.
  cases.index({ createdAt: -1, _id: -1 });
  cases.index({ districtCode: 1, createdAt: -1, _id: -1 });
  cases.index({ enterpriseId: 1, createdAt: -1, _id: -1 });
  cases.index({ districtCode: 1, status: 1, createdAt: -1 });
  // The overdue sweep and the overdue filter: assigned cases by deadline.
  cases.index({ status: 1, deadline: 1 });
  // The figures: closings and openings in a period.
  cases.index({ closedAt: 1, outcome: 1 });
  cases.index({ hazardIds: 1 });
  cases.index({ alertIds: 1 });
  const photos = new Schema<CasePhotoDoc>({}, { ...loose, collection: 'case_photos' });
  photos.index({ caseId: 1, createdAt: 1 });
  const counters = new Schema<CaseCounterDoc>({ _id: String, seq: Number }, { ...loose, collection: 'case_counters' });
  return { cases, photos, counters };
}

export function caseModels(connection: Connection): CaseModels {
  const defs = schemas();
  const bind = <K extends keyof CaseModels>(key: K): CaseModels[K] => (connection.models[NAMES[key]] ?? connection.model(NAMES[key], defs[key] as Schema)) as CaseModels[K];
  return { cases: bind('cases'), photos: bind('photos'), counters: bind('counters') };
}
