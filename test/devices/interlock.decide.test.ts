import { decideFill, type InterlockFacts } from '../../src/components/devices/interlock.decide';
import { DEFAULT_POLICY } from '../../src/components/registry';

const AT = new Date('2025-06-01T08:00:00+08:00');
const STATION = '665f1c2e9b1d8c0000000001';
const ENTERPRISE = '665f1c2e9b1d8c00000000e1';
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
/** A credential a regulator verified, valid for years around AT. */
const valid = (number: string) => ({ number, validFrom: day('2020-01-01'), validTo: day('2030-01-01'), verifiedAt: day('2020-01-01') });

/** Everything in order: a commissioned YSP-15 back empty and inspected at its own station, a certified operator. */
function legal(): InterlockFacts {
  return {
    at: AT,
    signature: 'valid',
    cylinder: {
      id: '665f1c2e9b1d8c00000000c1',
      grai: '06141410000153QY00000001',
      serial: 'QY00000001',
      model: 'YSP-15',
      nominalKg: 15,
      tareKg: 14.5,
      enterpriseId: ENTERPRISE,
      fillingSiteId: STATION,
      nextInspectionDate: day('2027-01-01'),
      serviceLifeEndsAt: day('2031-01-01'),
    },
    state: 'inspected_at_station',
    station: { id: STATION, enterpriseId: ENTERPRISE, active: true, licence: valid('S-1'), fillingLicence: valid('F-1') },
    enterprise: { id: ENTERPRISE, licence: valid('E-1') },
    operator: { workerId: '665f1c2e9b1d8c00000000a1', enterpriseId: ENTERPRISE, siteId: STATION, role: 'filling_operator', active: true, certificate: valid('C-1') },
    operatorCode: 'W001',
    locks: {},
    limit: { permittedNetKg: 14.5, toleranceKg: 0.5 },
    policy: DEFAULT_POLICY,
  };
}

/**
 * For each deny code, the one change to the legal facts that earns it. Written out by hand from
 * the issue, not derived from the function under test.
 */
const CAUSES = {
  UNKNOWN_CODE: (f) => {
    delete f.cylinder;
  },
  BAD_SIGNATURE: (f) => {
    f.signature = 'invalid';
  },
  SCRAPPED: (f) => {
    f.cylinder!.scrappedAt = day('2025-05-01');
  },
  LOST: (f) => {
    f.state = 'lost';
  },
  INSPECTION_OVERDUE: (f) => {
    f.cylinder!.nextInspectionDate = day('2025-05-01');
  },
  SERVICE_LIFE_EXCEEDED: (f) => {
    f.cylinder!.serviceLifeEndsAt = day('2025-05-01');
  },
  FOREIGN_FILLER: (f) => {
    f.cylinder!.fillingSiteId = '665f1c2e9b1d8c0000000002';
  },
  NOT_INSPECTED: (f) => {
    f.state = 'empty_at_station';
  },
  PRE_FILL_CHECK_FAILED: (f) => {
    f.checks = { valve: 'defective', leak: 'none', appearance: 'ok', residualKg: 0.4 };
  },
  NOT_EMPTY: (f) => {
    f.state = 'with_customer';
  },
  STATION_LICENCE_INVALID: (f) => {
    f.station.licence = { ...valid('S-1'), revokedAt: day('2025-04-01') };
  },
  FILLING_LICENCE_INVALID: (f) => {
    f.station.fillingLicence = { ...valid('F-1'), validTo: day('2025-05-01') };
  },
  ENTERPRISE_LICENCE_INVALID: (f) => {
    f.enterprise.licence = { ...valid('E-1'), suspendedAt: day('2025-05-01') };
  },
  OPERATOR_UNCERTIFIED: (f) => {
    f.operator!.certificate = { ...valid('C-1'), validTo: day('2025-01-01') };
  },
  OPERATOR_NOT_AT_THIS_STATION: (f) => {
    f.operator!.siteId = '665f1c2e9b1d8c0000000002';
  },
  SCALE_LOCKED: (f) => {
    f.locks.scale = { reason: '计量检定过期', at: day('2025-05-30') };
  },
  TARE_UNKNOWN: (f) => {
    delete f.cylinder!.tareKg;
  },
} satisfies Record<string, (f: InterlockFacts) => void>;
type Code = keyof typeof CAUSES;
const CODES = Object.keys(CAUSES) as Code[];

/**
 * The pairs that cannot both apply, and why (checked below: applying both causes gives at most one).
 * Every other pair must come out as exactly those two codes.
 */
const EXCLUSIVE: Record<string, string> = {
  ...Object.fromEntries(
    (['SCRAPPED', 'LOST', 'INSPECTION_OVERDUE', 'SERVICE_LIFE_EXCEEDED', 'FOREIGN_FILLER', 'NOT_INSPECTED', 'PRE_FILL_CHECK_FAILED', 'NOT_EMPTY', 'TARE_UNKNOWN'] as const).map((c) => [
      `UNKNOWN_CODE+${c}`,
      'a reason about the cylinder needs a known cylinder',
    ]),
  ),
  'LOST+NOT_INSPECTED': 'one state: lost is not a fillable state',
  'LOST+NOT_EMPTY': 'LOST says why it is not fillable',
  'NOT_INSPECTED+NOT_EMPTY': 'one state: fillable or not',
  'NOT_INSPECTED+PRE_FILL_CHECK_FAILED': 'checks sent with the request decide on the spot: the check was made, and failed',
};
const pairKey = (a: Code, b: Code) => (CODES.indexOf(a) < CODES.indexOf(b) ? `${a}+${b}` : `${b}+${a}`);

function decideWith(...codes: Code[]) {
  const facts = legal();
  // The cylinder's causes first: UNKNOWN_CODE then takes the cylinder away altogether.
  for (const code of [...codes].sort((a, b) => Number(a === 'UNKNOWN_CODE') - Number(b === 'UNKNOWN_CODE'))) CAUSES[code](facts);
  return decideFill(facts);
}
const codesOf = (verdict: ReturnType<typeof decideFill>) => verdict.reasons.map((r) => r.reason).sort();

describe('the filling-scale interlock', () => {
  it('allows the legal fill, with the target net and the gross at which to stop', () => {
    const verdict = decideFill(legal());
    expect(verdict).toEqual({ decision: 'allow', reasons: [], targetNetKg: 14.5, maxGrossKg: 29.5 });
  });

  it('allows an empty cylinder whose pre-fill checks are sent with the request and pass', () => {
    const facts = { ...legal(), state: 'empty_at_station' as const, checks: { valve: 'ok' as const, leak: 'none' as const, appearance: 'ok' as const, residualKg: 0.2 } };
    expect(decideFill(facts).decision).toBe('allow');
  });

  it.each(CODES)('denies %s, alone', (code) => {
    const verdict = decideWith(code);
    expect(verdict.decision).toBe('deny');
    // An unknown operator earns both operator codes; every other cause earns exactly its own.
    expect(codesOf(verdict)).toEqual([code]);
    expect(verdict.reasons[0]?.detail).toEqual(expect.any(String));
  });

  const pairs = CODES.flatMap((a, i) => CODES.slice(i + 1).map((b) => [a, b] as const));
  it.each(pairs.filter(([a, b]) => !EXCLUSIVE[pairKey(a, b)]))('denies %s and %s together, both named', (a, b) => {
    const verdict = decideWith(a, b);
    expect(verdict.decision).toBe('deny');
    expect(codesOf(verdict)).toEqual([a, b].sort());
  });

  it.each(pairs.filter(([a, b]) => EXCLUSIVE[pairKey(a, b)]))('never names %s and %s together', (a, b) => {
    const verdict = decideWith(a, b);
    expect(verdict.decision).toBe('deny');
    expect(codesOf(verdict)).not.toEqual(expect.arrayContaining([a, b]));
  });

  it('names every reason at once when everything is wrong', () => {
    const verdict = decideWith(...CODES.filter((c) => !['UNKNOWN_CODE', 'LOST', 'NOT_EMPTY', 'NOT_INSPECTED'].includes(c)));
    expect(codesOf(verdict)).toHaveLength(CODES.length - 4);
  });

  it('denies failed checks sent now even for a cylinder the ledger has as inspected, naming the failed items', () => {
    const facts = { ...legal(), checks: { valve: 'ok' as const, leak: 'leaking' as const, appearance: 'damaged' as const, residualKg: 0 } };
    const verdict = decideFill(facts);
    expect(codesOf(verdict)).toEqual(['PRE_FILL_CHECK_FAILED']);
    expect(verdict.reasons[0]?.detail).toBe('the pre-fill check failed: leak, appearance');
  });

  it('decides NOT_INSPECTED on the spot from the checks sent: passing ones allow an empty cylinder, failing ones deny it as a failed check only', () => {
    const empty = { ...legal(), state: 'empty_at_station' as const };
    expect(codesOf(decideFill(empty))).toEqual(['NOT_INSPECTED']);
    expect(decideFill({ ...empty, checks: { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: 1.2 } }).decision).toBe('allow');
    expect(codesOf(decideFill({ ...empty, checks: { valve: 'defective', leak: 'leaking', appearance: 'ok', residualKg: 0 } }))).toEqual(['PRE_FILL_CHECK_FAILED']);
  });

  it('treats an unknown operator as both uncertified and not of this station', () => {
    const facts = legal();
    delete facts.operator;
    expect(codesOf(decideFill(facts))).toEqual(['OPERATOR_NOT_AT_THIS_STATION', 'OPERATOR_UNCERTIFIED']);
  });

  it('denies a delivery worker, another enterprise’s worker and a deactivated one at the scale', () => {
    for (const change of [{ role: 'delivery_worker' }, { enterpriseId: '665f1c2e9b1d8c00000000e2' }, { active: false }]) {
      const facts = legal();
      facts.operator = { ...facts.operator!, ...change };
      expect(codesOf(decideFill(facts))).toEqual(['OPERATOR_NOT_AT_THIS_STATION']);
    }
  });

  it('denies a closed station, an unverified filling licence, and a station lock like a scale lock', () => {
    const closed = legal();
    closed.station.active = false;
    expect(codesOf(decideFill(closed))).toEqual(['STATION_LICENCE_INVALID']);
    const unverified = legal();
    unverified.station.fillingLicence = { number: 'F-2', validTo: day('2030-01-01') };
    expect(decideFill(unverified).reasons[0]).toMatchObject({ reason: 'FILLING_LICENCE_INVALID', credential: { status: 'unverified', number: 'F-2' } });
    const locked = legal();
    locked.locks = { station: { reason: '停业整改', at: day('2025-05-30') }, scale: { reason: '检定', at: day('2025-05-30') } };
    const verdict = decideFill(locked);
    expect(codesOf(verdict)).toEqual(['SCALE_LOCKED']);
    expect(verdict.reasons[0]?.detail).toContain('停业整改');
  });

  it('denies a cylinder never commissioned and one already full as not empty', () => {
    for (const state of ['unregistered', 'full_at_station', 'in_transit', 'at_supply_point'] as const) {
      expect(codesOf(decideFill({ ...legal(), state }))).toEqual(['NOT_EMPTY']);
    }
    expect(codesOf(decideFill({ ...legal(), state: 'scrapped' }))).toEqual(['SCRAPPED']);
  });

  it('gives no limits for an unknown cylinder, and no gross limit without a tare', () => {
    expect(decideWith('UNKNOWN_CODE')).toMatchObject({ targetNetKg: null, maxGrossKg: null });
    expect(decideWith('TARE_UNKNOWN')).toMatchObject({ targetNetKg: 14.5, maxGrossKg: null });
  });
});
