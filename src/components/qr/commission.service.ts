import type { ClientSession } from 'mongoose';
import { authorize, type Principal } from '../auth';
import type { AuditService } from '../audit';
import type { CylinderIdentity } from '../registry';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import { buildGrai, humanReadable, parseGrai } from './grai.code';
import { COMMISSION_REFUSED, LEDGER_REJECTED, type CylinderPort, type LedgerPort } from './qr.ports';
import type { QrRepository } from './qr.repository';
import type { QrSettings } from './qr.settings';
import type { QrKeyring } from './qr.signature';
import { buildQrUri } from './qr.uri';

export interface CodeView {
  cylinderId: string;
  grai: string;
  /** "(8003) 0 …" as printed under the code. */
  graiText: string;
  uri: string;
  serial: string;
  nominalKg: number;
  model: string;
}

export interface CommissionOutcome {
  cylinderId: string;
  status: 'commissioned' | 'already_commissioned' | 'rejected';
  code?: CodeView;
  reason?: string;
  detail?: string;
}

export interface CommissionDeps {
  transaction: UnitOfWork;
  repo: QrRepository;
  cylinders: CylinderPort;
  settings: QrSettings;
  keyring: QrKeyring;
  audit: AuditService;
  ledger?: LedgerPort;
  now?: () => Date;
}

// A run of taken serials this long means the counter was reset far behind the codes in use.
const MAX_SERIAL_ATTEMPTS = 1000;

/** 赋码建档: binds a GRAI to a cylinder for life, and retires it when the cylinder is scrapped. */
export function createCommissionService(deps: CommissionDeps) {
  const { repo, cylinders, settings, keyring } = deps;
  const now = deps.now ?? (() => new Date());
  const prefixLength = settings.companyPrefix.length;

  const codeView = (cylinder: CylinderIdentity, grai: string): CodeView => {
    if (!settings.domainConfigured) throw new AppError('QR_DOMAIN_NOT_CONFIGURED', 503, 'QR domain not configured', { detail: 'Set QR_DOMAIN before issuing or printing codes: they carry it for life' });
    const parsed = parseGrai(grai, prefixLength);
    return {
      cylinderId: cylinder.id,
      grai,
      graiText: parsed.ok ? humanReadable(parsed.grai) : grai,
      uri: buildQrUri(settings.domain, grai, keyring.sign(grai)),
      serial: cylinder.serial,
      nominalKg: cylinder.nominalKg,
      model: cylinder.model,
    };
  };
  const load = async (principal: Principal, id: string) => {
    const cylinder = await cylinders.cylinderIdentity({ id }, { principal });
    if (!cylinder) throw AppError.notFound(`No cylinder ${id}`);
    return cylinder;
  };
  const assetTypeOf = (cylinder: CylinderIdentity): string => {
    const type = settings.assetTypes[String(cylinder.nominalKg) as '5' | '15' | '50'];
    if (!type) throw new AppError('UNSUPPORTED_CAPACITY', 409, 'Unsupported capacity', { detail: `No GRAI asset type for ${cylinder.nominalKg} kg` });
    return type;
  };

  /** Bound to a cylinder, or retired with a scrapped one: either way never issued again. */
  const taken = async (grai: string): Promise<boolean> => {
    const [bound, retired] = await Promise.all([cylinders.graiBound(grai), repo.isRetired(grai)]);
    return bound || retired;
  };

  /** A fresh GRAI: the next platform serial that no cylinder holds and that was never retired. */
  const freshGrai = async (assetType: string): Promise<string> => {
    for (let attempt = 0; attempt < MAX_SERIAL_ATTEMPTS; attempt += 1) {
      const grai = buildGrai(settings.companyPrefix, assetType, String(await repo.nextSerial())).value;
      if (!(await taken(grai))) return grai;
    }
    throw AppError.unavailable('No free GRAI serial found; the serial counter needs attention');
  };

  /** A GRAI given by the caller (a code from an earlier system): ours, well-formed, free. */
  const adoptable = async (grai: string, cylinder: CylinderIdentity): Promise<string> => {
    const parsed = parseGrai(grai, prefixLength);
    const field = (message: string) => AppError.validation([{ path: 'grai', message }]);
    if (!parsed.ok) throw field(parsed.problem === 'BAD_CHECK_DIGIT' ? 'has a wrong check digit' : 'is not a GRAI');
    if (parsed.grai.companyPrefix !== settings.companyPrefix) throw field('carries another company prefix');
    if (parsed.grai.assetType !== assetTypeOf(cylinder).padStart(12 - prefixLength, '0')) throw field(`is not the asset type of a ${cylinder.nominalKg} kg cylinder`);
    if (!/^\d+$/.test(parsed.grai.serial)) throw field('must have a numeric serial');
    if (await repo.isRetired(grai)) throw new AppError('GRAI_RETIRED', 409, 'Code retired', { detail: 'This GRAI belonged to a scrapped cylinder and is never issued again' });
    if (await taken(grai)) throw AppError.conflict('This GRAI is bound to another cylinder', [{ path: 'grai', message: 'must be unique' }]);
    return grai;
  };

  async function commission(principal: Principal, cylinderId: string, wanted?: string): Promise<CommissionOutcome> {
    authorize(principal, 'cylinders', 'update');
    if (!settings.domainConfigured) throw new AppError('QR_DOMAIN_NOT_CONFIGURED', 503, 'QR domain not configured', { detail: 'Set QR_DOMAIN before commissioning: every code carries it for life' });
    const cylinder = await load(principal, cylinderId);
    if (cylinder.grai) return settled(principal, cylinder, cylinder.grai, wanted, 'already_commissioned');
    if (cylinder.scrappedAt) throw new AppError('CYLINDER_SCRAPPED', 409, 'Cylinder scrapped', { detail: 'A scrapped cylinder is not commissioned' });
    if (!cylinder.active) throw new AppError('CYLINDER_INACTIVE', 409, 'Cylinder inactive', { detail: 'The cylinder record is deactivated' });
    const grai = wanted ? await adoptable(wanted, cylinder) : await freshGrai(assetTypeOf(cylinder));
    const at = now();
    const bound = await deps.transaction(async (session) => {
      if (!(await cylinders.bindGrai(principal, cylinderId, grai, at, session))) return false;
      await deps.audit.record(
        { actor: principal, action: 'commission', resource: 'cylinders', recordId: cylinder.id, before: { grai: null }, after: { grai }, enterpriseId: cylinder.enterpriseId, districtCode: cylinder.districtCode },
        session,
      );
      return true;
    });
    // Lost a race with a concurrent commissioning: the code bound first is the cylinder's.
    if (!bound) return settled(principal, await load(principal, cylinderId), undefined, wanted, 'already_commissioned');
    return settled(principal, { ...cylinder, grai }, grai, undefined, 'commissioned');
  }

  async function settled(principal: Principal, cylinder: CylinderIdentity, grai: string | undefined, wanted: string | undefined, status: CommissionOutcome['status']): Promise<CommissionOutcome> {
    const bound = grai ?? cylinder.grai;
    if (!bound) throw AppError.unavailable('The cylinder lost its code while being commissioned');
    if (wanted && wanted !== bound) {
      throw new AppError('GRAI_ALREADY_BOUND', 409, 'Code already bound', { detail: `The cylinder is bound to ${bound} for life`, errors: [{ path: 'grai', message: 'differs from the code bound to this cylinder' }] });
    }
    // Also on "already commissioned": completes a ledger append that failed after the bind. It
    // throws when the ledger holds no commission: no code is handed out without its event.
    try {
      await deps.ledger?.recordCommission(
        { cylinderId: cylinder.id, grai: bound, siteId: cylinder.fillingSiteId, enterpriseId: cylinder.enterpriseId, at: now() },
        principal,
      );
    } catch (error) {
      if (error instanceof AppError && (error.code === COMMISSION_REFUSED || error.code === LEDGER_REJECTED)) await unbind(principal, cylinder, bound);
      throw error;
    }
    return { cylinderId: cylinder.id, status, code: codeView(cylinder, bound) };
  }

  /**
   * The ledger refused the commission for good: the code goes back off the record, audited, so the
   * registry never shows a cylinder as coded that the ledger never put into service. A code
   * generated here is not generated again (the serial counter has moved on); an adopted one may
   * be adopted again once what the ledger refused is put right.
   */
  async function unbind(principal: Principal, cylinder: CylinderIdentity, grai: string): Promise<void> {
    await deps.transaction(async (session) => {
      if (!(await cylinders.unbindGrai(principal, cylinder.id, grai, now(), session))) return;
      await deps.audit.record(
        { actor: principal, action: 'commission_refused', resource: 'cylinders', recordId: cylinder.id, before: { grai }, after: { grai: null }, enterpriseId: cylinder.enterpriseId, districtCode: cylinder.districtCode },
        session,
      );
    });
  }

  return {
    commission,

    async commissionBatch(principal: Principal, cylinderIds: readonly string[]): Promise<CommissionOutcome[]> {
      authorize(principal, 'cylinders', 'update');
      const outcomes: CommissionOutcome[] = [];
      // One by one: each cylinder's binding is its own transaction, and one refusal stops nothing else.
      for (const id of cylinderIds) {
        try {
          outcomes.push(await commission(principal, id));
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          outcomes.push({ cylinderId: id, status: 'rejected', reason: error.code, ...(error.detail ? { detail: error.detail } : {}) });
        }
      }
      return outcomes;
    },

    /** The printable code of a commissioned cylinder within the caller's scope. */
    async code(principal: Principal, cylinderId: string): Promise<CodeView> {
      authorize(principal, 'cylinders', 'read');
      const cylinder = await load(principal, cylinderId);
      if (!cylinder.grai) throw new AppError('NOT_COMMISSIONED', 409, 'Not commissioned', { detail: 'The cylinder has no code yet; commission it first' });
      return codeView(cylinder, cylinder.grai);
    },

    /** Retires a scrapped cylinder's code: it stays on the record and is never issued again. */
    async retire(principal: Principal, cylinderId: string): Promise<{ cylinderId: string; grai: string; retired: true }> {
      authorize(principal, 'cylinders', 'update');
      const cylinder = await load(principal, cylinderId);
      if (!cylinder.grai) throw new AppError('NOT_COMMISSIONED', 409, 'Not commissioned', { detail: 'The cylinder has no code to retire' });
      if (!cylinder.scrappedAt || cylinder.scrappedAt > now()) throw new AppError('CYLINDER_NOT_SCRAPPED', 409, 'Cylinder not scrapped', { detail: 'Only a scrapped cylinder\'s code is retired' });
      await repo.retire(cylinder.grai, cylinder.id, now());
      return { cylinderId: cylinder.id, grai: cylinder.grai, retired: true };
    },

    /** For the ledger's scrapping (inside its transaction) and the verification page: unscoped, idempotent. */
    async retireScrapped(cylinderId: string, session?: ClientSession): Promise<void> {
      const cylinder = await cylinders.cylinderIdentity({ id: cylinderId }, session ? { session } : {});
      if (cylinder?.grai) await repo.retire(cylinder.grai, cylinder.id, now(), session);
    },
  };
}

export type CommissionService = ReturnType<typeof createCommissionService>;
