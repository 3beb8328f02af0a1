import { credentialStatus } from '../../src/components/registry/credential.status';
import { cylinderStatus } from '../../src/components/registry/cylinder.status';
import { hashIdNumber, isValidIdNumber, isValidPlate, isValidUscc, maskIdNumber, maskPhone, usccCheckChar } from '../../src/components/registry/registry.pii';
import { anIdNumber } from '../../seed/builders';

const now = new Date('2025-06-01T00:00:00Z');
const policy = { expiringWithinDays: 30 };
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
/** Verified by a regulator: only then do the dates decide (credential.lifecycle.ts). */
const verifiedAt = day('2024-01-01');

describe('derived licence status', () => {
  it('is valid well before the end date', () => {
    expect(credentialStatus({ verifiedAt, validFrom: day('2024-01-01'), validTo: day('2026-01-01') }, now, policy)).toBe('valid');
  });
  it('is expiring within the configured window, and expired on the end date', () => {
    expect(credentialStatus({ verifiedAt, validTo: day('2025-06-20') }, now, policy)).toBe('expiring');
    expect(credentialStatus({ verifiedAt, validTo: day('2025-06-20') }, now, { expiringWithinDays: 10 })).toBe('valid');
    expect(credentialStatus({ verifiedAt, validTo: day('2025-06-01') }, now, policy)).toBe('expired');
  });
  it('is not yet valid before its start date', () => {
    expect(credentialStatus({ verifiedAt, validFrom: day('2025-07-01'), validTo: day('2027-01-01') }, now, policy)).toBe('not_yet_valid');
  });
  it('puts revocation above suspension, and suspension above the dates', () => {
    const dates = { verifiedAt, validFrom: day('2024-01-01'), validTo: day('2026-01-01') };
    expect(credentialStatus({ ...dates, suspendedAt: day('2025-05-01') }, now, policy)).toBe('suspended');
    expect(credentialStatus({ ...dates, suspendedAt: day('2025-05-01'), revokedAt: day('2025-05-02') }, now, policy)).toBe('revoked');
    expect(credentialStatus({ ...dates, suspendedAt: day('2025-07-01') }, now, policy)).toBe('valid');
  });
  it('is unverified, whatever its dates, until a regulator verifies it; suspension and revocation still show', () => {
    const dates = { validFrom: day('2024-01-01'), validTo: day('2026-01-01') };
    expect(credentialStatus(dates, now, policy)).toBe('unverified');
    expect(credentialStatus({ ...dates, verifiedAt: null }, now, policy)).toBe('unverified');
    expect(credentialStatus({ ...dates, suspendedAt: day('2025-05-01') }, now, policy)).toBe('suspended');
  });
  it('reports a certificate that was never registered as missing', () => {
    expect(credentialStatus(undefined, now, policy)).toBe('missing');
  });
});

describe('derived cylinder status', () => {
  const base = { nextInspectionDate: day('2027-01-01'), serviceLifeEndsAt: day('2030-01-01') };
  it('is in service, overdue, past its life or scrapped by its dates', () => {
    expect(cylinderStatus(base, now)).toBe('in_service');
    expect(cylinderStatus({ ...base, nextInspectionDate: day('2025-01-01') }, now)).toBe('overdue_inspection');
    expect(cylinderStatus({ ...base, serviceLifeEndsAt: day('2025-01-01'), nextInspectionDate: day('2025-01-01') }, now)).toBe('past_service_life');
    expect(cylinderStatus({ ...base, scrappedAt: day('2025-02-01') }, now)).toBe('scrapped');
  });
});

describe('GB 11643 identity numbers', () => {
  it('accepts numbers with the right check character, x in either case', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(isValidIdNumber(anIdNumber(7))).toBe(true);
  });
  it('refuses a wrong check character, an impossible birth date and wrong lengths', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('110105194902301234')).toBe(false);
    expect(isValidIdNumber('11010519491231002')).toBe(false);
    expect(isValidIdNumber('{"$gt":""}')).toBe(false);
  });
  it('hashes one person to one keyed hash, whatever the case of X, and differently under another key', () => {
    expect(hashIdNumber('k1', '11010519491231002x')).toBe(hashIdNumber('k1', '11010519491231002X'));
    expect(hashIdNumber('k1', '11010519491231002X')).not.toBe(hashIdNumber('k2', '11010519491231002X'));
  });
});

describe('masking and other identifiers', () => {
  it('masks ID numbers to their last four and phones to 138****1234', () => {
    expect(maskIdNumber('002X')).toBe('**************002X');
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('0763-3381234')).toBe('0763****1234');
  });
  it('accepts mainland plates and refuses others', () => {
    expect(isValidPlate('粤R12345')).toBe(true);
    expect(isValidPlate('粤R·A1234')).toBe(true);
    expect(isValidPlate('粤RD12345')).toBe(true);
    expect(isValidPlate('粤R1234挂')).toBe(true);
    expect(isValidPlate('XX12345')).toBe(false);
    expect(isValidPlate('粤RI2345')).toBe(false);
  });
  it('checks unified social credit codes', () => {
    const first17 = '91441800MA4UJ1234';
    expect(isValidUscc(first17 + usccCheckChar(first17))).toBe(true);
    expect(isValidUscc(`${first17}${usccCheckChar(first17) === '0' ? '1' : '0'}`)).toBe(false);
  });
});
