import { createLedger, type Ledger } from '../../src/components/ledger';
import { createQr, DEFAULT_QR_CONFIG, ledgerPort, type LedgerPort, type LedgerSnapshot, type QrComponent, type QrConfig } from '../../src/components/qr';
import { initModels, SECRETS, startWorld, type World } from '../support/world';
import { createPageCursors } from '../../src/shared/http/page.cursor';

export const QR_DOMAIN = 'qr.qingyuan.example.cn';

/** A ledger stand-in: the projection each test sets, and the commission events it was sent. */
export class FakeLedger implements LedgerPort {
  readonly states = new Map<string, LedgerSnapshot>();
  readonly commissions: { cylinderId: string; grai: string }[] = [];
  async recordCommission(record: { cylinderId: string; grai: string }): Promise<void> {
    if (!this.commissions.some((c) => c.cylinderId === record.cylinderId)) this.commissions.push({ cylinderId: record.cylinderId, grai: record.grai });
  }
  async cylinderState(cylinderId: string): Promise<LedgerSnapshot | undefined> {
    return this.states.get(cylinderId);
  }
  /** The fake never scraps a cylinder. */
  onCylinderScrapped(): void {}
}

export interface QrWorld extends World {
  readonly qr: QrComponent;
  ledger: FakeLedger;
  /** The real custody ledger, when the world was started with `realLedger`. */
  realLedger: Ledger | undefined;
  /** Rebuilds the QR component (and app) with other settings on the same database: key rotation. */
  reconfigure(config: Partial<QrConfig>): Promise<void>;
}

/** The real app with bearer authentication, the registry, the audit trail and QR identity. */
export async function startQrWorld(label: string, options: { config?: Partial<QrConfig>; realLedger?: boolean } = {}): Promise<QrWorld> {
  const world = await startWorld(label);
  const { connection, registry, audit } = world;
  const ledger = new FakeLedger();
  const realLedger = options.realLedger ? await createLedger({ connection }, { registry, eventIdSecret: SECRETS.PII_HASH_SECRET, cursors: createPageCursors(SECRETS.JWT_SECRET) }) : undefined;
  const build = async (config: Partial<QrConfig>): Promise<QrComponent> => {
    const qr = await createQr({
      connection,
      // A limit no test reaches unless it brings its own limiter.
      settings: { ...DEFAULT_QR_CONFIG, domain: QR_DOMAIN, scanRatePerMinute: 100_000, ...config, signingSecret: SECRETS.QR_SIGNING_SECRET, privacySecret: SECRETS.PII_HASH_SECRET },
      audit: audit.service,
      sites: registry,
      cylinders: registry,
      ledger: realLedger ? ledgerPort(realLedger) : ledger,
    });
    world.mount([qr.module]);
    return qr;
  };
  let qr = await build(options.config ?? {});
  await initModels(connection);
  const qrWorld = Object.assign(world, {
    ledger,
    realLedger,
    async reconfigure(config: Partial<QrConfig>) {
      qr = await build(config);
    },
  });
  // A getter, not a copied value: reconfigure replaces the component.
  return Object.defineProperty(qrWorld, 'qr', { get: () => qr, enumerable: true }) as QrWorld;
}
