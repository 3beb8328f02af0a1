import type { Ledger } from '../../src/components/ledger';
import type { LedgerPort, LedgerSnapshot, QrConfig } from '../../src/components/qr';
import { startWorld, type World } from '../support/world';

export { QR_DOMAIN } from '../support/world';

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

export interface QrWorld extends Omit<World, 'ledger'> {
  /** The ledger as QR identity sees it, unless the world was started with `realLedger`. */
  ledger: FakeLedger;
  /** The real custody ledger, when the world was started with `realLedger`. */
  realLedger: Ledger | undefined;
  /** Rebuilds the components with other QR settings on the same database: key rotation. */
  reconfigure(config: Partial<QrConfig>): Promise<void>;
}

/**
 * The test world for QR identity: by default QR talks to a FakeLedger whose answers each test sets
 * (`world.ledger`); with `realLedger`
 * QR is wired to the real custody ledger, as in production.
 */
export async function startQrWorld(label: string, options: { config?: Partial<QrConfig>; realLedger?: boolean } = {}): Promise<QrWorld> {
  const fake = new FakeLedger();
  const world = await startWorld(label, { ...(options.config ? { qr: options.config } : {}), ...(options.realLedger ? {} : { qrLedger: fake }) });
  const realLedger = options.realLedger ? world.ledger : undefined;
  const qrWorld = Object.create(world, {
    ledger: { value: fake, enumerable: true },
    realLedger: { value: realLedger, enumerable: true },
    reconfigure: { value: (config: Partial<QrConfig>) => world.restart({ qr: config }), enumerable: true },
  }) as QrWorld;
  return qrWorld;
}
