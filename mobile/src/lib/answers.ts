import { REJECTION_REASONS } from '../../../src/components/ledger/ledger.reasons';
import type { EntryState } from './db';

/**
 * The platform's answer to one synced flow, as the worker reads it. The refusal reasons come from
 * the platform's one table (ledger.reasons.ts), so the phone says what the consoles say.
 * Pure: no DOM, no I/O.
 */
export interface SyncResult {
  visitId: string;
  status: 'recorded' | 'partial' | 'refused' | 'duplicate' | 'invalid';
  visit?: { events?: { cylinder: string; status: string; reason?: string; detail?: string }[]; collisions?: string[]; hazards?: number };
  code?: string;
  errors?: { path: string; message: string }[];
}

export type Language = 'zh-CN' | 'en';

export function reasonText(code: string, language: Language): string {
  const info = (REJECTION_REASONS as Record<string, { zh: string; en: string }>)[code];
  if (!info) return code;
  return language === 'en' ? info.en : info.zh;
}

export function judge(result: SyncResult, language: Language): { state: EntryState; reasons: { code: string; text: string }[]; hazards: number } {
  const hazards = result.visit?.hazards ?? 0;
  switch (result.status) {
    case 'recorded':
      return { state: 'stored', reasons: [], hazards };
    case 'duplicate':
      return { state: 'duplicate', reasons: [], hazards };
    case 'invalid':
      return {
        state: 'invalid',
        reasons: [
          ...(result.code ? [{ code: result.code, text: reasonText(result.code, language) }] : []),
          ...(result.errors ?? []).map((e) => ({ code: 'FIELD', text: `${e.path}: ${e.message}` })),
        ],
        hazards,
      };
    default: {
      const refused = (result.visit?.events ?? []).filter((e) => e.status === 'rejected' && e.reason !== 'FLOW_INCOMPLETE');
      const reasons = refused.map((e) => ({ code: e.reason ?? 'REJECTED', text: `${e.cylinder}：${reasonText(e.reason ?? '', language)}` }));
      return { state: (result.visit?.collisions?.length ?? 0) > 0 ? 'collision' : 'refused', reasons, hazards };
    }
  }
}
