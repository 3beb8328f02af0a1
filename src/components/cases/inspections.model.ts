import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CaseAccount } from './cases.model';
import type { ChecklistItem, PremisesType } from './inspections.checklists';

/** One version of a premises type's checklist; the highest version is the current one. */
export interface ChecklistDoc {
  _id: Types.ObjectId;
  premisesType: PremisesType;
  version: number;
  items: ChecklistItem[];
  updatedAt: Date;
  updatedBy: CaseAccount | null;
}

export interface PremisesRef {
  type: PremisesType;
  id: string;
  name: string;
}

export interface InspectionResult {
  code: string;
  zh: string;
  en: string;
  passed: boolean;
  note: string | null;
  deadline: Date | null;
}

export interface InspectionDoc {
  _id: Types.ObjectId;
  premises: PremisesRef;
  districtCode: string;
  enterpriseId: Types.ObjectId | null;
  checklistVersion: number;
  inspectedAt: Date;
  inspector: CaseAccount;
  results: InspectionResult[];
  hazardIds: string[];
  createdAt: Date;
}

export const HAZARD_STATUSES = ['open', 'in_case', 'closed'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];

/** A failed item of an inspection: a hazard with a deadline, until a case about it closes. */
export interface InspectionHazardDoc {
  _id: Types.ObjectId;
  inspectionId: string;
  premises: PremisesRef;
  itemCode: string;
  zh: string;
  en: string;
  note: string | null;
  deadline: Date;
  status: HazardStatus;
  caseId: string | null;
  districtCode: string;
  enterpriseId: Types.ObjectId | null;
  createdAt: Date;
  closedAt: Date | null;
}

/** A household hazard (the deliveries component's record) put into a case: kept here, the deliveries record untouched. */
export interface HouseholdLinkDoc {
  _id: string;
  caseId: string;
  closed: boolean;
  districtCode: string;
  enterpriseId: string;
}

export interface InspectionModels {
  checklists: Model<ChecklistDoc>;
  inspections: Model<InspectionDoc>;
  hazards: Model<InspectionHazardDoc>;
  links: Model<HouseholdLinkDoc>;
}

const loose = { versionKey: false as const, strict: false, autoCreate: true };
const NAMES = { checklists: 'InspectionChecklist', inspections: 'Inspection', hazards: 'InspectionHazard', links: 'HouseholdHazardCase' } as const;

function schemas() {
  const checklists = new Schema<ChecklistDoc>({}, { ...loose, collection: 'inspection_checklists' });
  checklists.index({ premisesType: 1, version: -1 }, { unique: true });
  const inspections = new Schema<InspectionDoc>({}, { ...loose, collection: 'inspections' });
  inspections.index({ createdAt: -1, _id: -1 });
  inspections.index({ districtCode: 1, createdAt: -1, _id: -1 });
  inspections.index({ enterpriseId: 1, createdAt: -1, _id: -1 });
  const hazards = new Schema<InspectionHazardDoc>({}, { ...loose, collection: 'inspection_hazards' });
  hazards.index({ status: 1, deadline: 1, _id: 1 });
  hazards.index({ districtCode: 1, status: 1, deadline: 1, _id: 1 });
  hazards.index({ enterpriseId: 1, status: 1, deadline: 1, _id: 1 });
  hazards.index({ caseId: 1 });
  const links = new Schema<HouseholdLinkDoc>({ _id: String }, { ...loose, collection: 'household_hazard_cases' });
  links.index({ caseId: 1 });
  return { checklists, inspections, hazards, links };
}

export function inspectionModels(connection: Connection): InspectionModels {
  const defs = schemas();
  const bind = <K extends keyof InspectionModels>(key: K): InspectionModels[K] => (connection.models[NAMES[key]] ?? connection.model(NAMES[key], defs[key] as Schema)) as InspectionModels[K];
  return { checklists: bind('checklists'), inspections: bind('inspections'), hazards: bind('hazards'), links: bind('links') };
}
