import type { EventType } from './ledger.contract';
import type { PayloadResult } from './ledger.lifecycle';

/**
 * Why an event happened, in GS1 CBV 2.0 terms (bizStep, disposition) where CBV has a term, and in
 * the LPG Trace extension vocabulary (`urn:lpg-trace:voc:...`) where it has not: CBV has no
 * filling step, no re-weighing step and no handing-over-to-a-household step. The EPCIS export reads these as stored.
 */
const CBV_STEP = 'urn:epcglobal:cbv:bizstep:';
const CBV_DISP = 'urn:epcglobal:cbv:disp:';
export const EXTENSION_VOCABULARY = 'urn:lpg-trace:voc:';

const STEPS: Record<EventType, string> = {
  commission: `${CBV_STEP}commissioning`,
  inspect: `${CBV_STEP}inspecting`,
  fill: `${EXTENSION_VOCABULARY}bizstep:filling`,
  dispatch: `${CBV_STEP}shipping`,
  receive: `${CBV_STEP}receiving`,
  sell: `${CBV_STEP}retail_selling`,
  hand_over: `${EXTENSION_VOCABULARY}bizstep:handing_over`,
  return_empty: `${CBV_STEP}collecting`,
  periodic_inspection: `${CBV_STEP}inspecting`,
  scrap: `${CBV_STEP}decommissioning`,
  report_lost: `${CBV_STEP}other`,
  error_declaration: `${CBV_STEP}other`,
  reweigh: `${EXTENSION_VOCABULARY}bizstep:reweighing`,
};

const DISPOSITIONS: Record<EventType, string> = {
  commission: `${CBV_DISP}active`,
  inspect: `${CBV_DISP}conformant`,
  fill: `${CBV_DISP}sellable_not_accessible`,
  dispatch: `${CBV_DISP}in_transit`,
  receive: `${CBV_DISP}sellable_accessible`,
  sell: `${CBV_DISP}retail_sold`,
  hand_over: `${CBV_DISP}retail_sold`,
  return_empty: `${CBV_DISP}returned`,
  periodic_inspection: `${CBV_DISP}conformant`,
  scrap: `${CBV_DISP}destroyed`,
  report_lost: `${CBV_DISP}unknown`,
  error_declaration: `${CBV_DISP}unknown`,
  reweigh: `${CBV_DISP}sellable_not_accessible`,
};

export function vocabularyOf(type: EventType, result?: PayloadResult): { bizStep: string; disposition: string } {
  const failed = result === 'fail' && (type === 'inspect' || type === 'periodic_inspection');
  return { bizStep: STEPS[type], disposition: failed ? `${CBV_DISP}non_conformant` : DISPOSITIONS[type] };
}
