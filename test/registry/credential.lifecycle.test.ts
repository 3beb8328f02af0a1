import { allowedCommands, credentialState, transition, type CredentialCommand, type Stamp } from '../../src/components/registry/credential.lifecycle';
import { credentialStatus } from '../../src/components/registry/credential.status';
import type { StoredCredential } from '../../src/components/registry/registry.model';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const at = day('2025-06-01');
const policy = { expiringWithinDays: 30 };
const holder: Stamp = { at, by: 'admin', authority: 'holder' };
const regulator: Stamp = { at, by: 'city', authority: 'regulator' };
const paper = { number: 'L-1', issuer: '清远市城管局', validFrom: day('2024-01-01'), validTo: day('2027-01-01') };
const renewalPaper = { number: 'L-2', validFrom: day('2026-12-01'), validTo: day('2030-01-01') };

function run(c: StoredCredential | undefined, command: CredentialCommand, stamp: Stamp): StoredCredential {
  const result = transition(c, command, stamp);
  if (!result.ok) throw new Error(result.detail);
  return result.credential;
}
const submitted = () => run(undefined, { name: 'submit', paper }, holder);
const verified = () => run(submitted(), { name: 'verify' }, regulator);
const suspended = () => run(verified(), { name: 'suspend', reason: '安全检查不合格' }, regulator);
const revoked = () => run(verified(), { name: 'revoke', reason: '违法经营' }, regulator);
const status = (c: StoredCredential) => credentialStatus(c, at, policy);

describe('the credential lifecycle', () => {
  it('a holder\'s submission awaits verification and does not count', () => {
    const c = submitted();
    expect(credentialState(c)).toBe('submitted');
    expect(status(c)).toBe('unverified');
    expect(c).toMatchObject({ number: 'L-1', submittedBy: 'admin', submittedAt: at });
    expect(c.verifiedAt).toBeUndefined();
  });

  it('a regulator\'s own submission is verified at once', () => {
    const c = run(undefined, { name: 'submit', paper }, regulator);
    expect(credentialState(c)).toBe('verified');
    expect(status(c)).toBe('valid');
    expect(c).toMatchObject({ verifiedBy: 'city', decision: { action: 'submit', by: 'city' } });
  });

  it('verification makes it count, with the dates deciding valid / expired', () => {
    expect(status(verified())).toBe('valid');
    const lapsed = run(run(undefined, { name: 'submit', paper: { ...paper, validTo: day('2025-01-01') } }, holder), { name: 'verify' }, regulator);
    expect(status(lapsed)).toBe('expired');
  });

  it('a resubmission of an unverified credential replaces it', () => {
    const c = run(submitted(), { name: 'submit', paper: { ...paper, number: 'L-1b' } }, holder);
    expect(c.number).toBe('L-1b');
    expect(status(c)).toBe('unverified');
  });

  it('a renewal over a verified credential waits and does not disturb the current one until verified', () => {
    const c = run(verified(), { name: 'submit', paper: renewalPaper }, holder);
    expect(c).toMatchObject({ number: 'L-1', validTo: paper.validTo, renewal: { number: 'L-2', submittedBy: 'admin' } });
    expect(status(c)).toBe('valid');
    const renewed = run(c, { name: 'verify', reason: '核对原件' }, regulator);
    expect(renewed).toMatchObject({ number: 'L-2', validTo: renewalPaper.validTo, verifiedBy: 'city', decision: { action: 'verify', reason: '核对原件' } });
    expect(renewed.renewal).toBeUndefined();
    expect(renewed.issuer).toBeUndefined();
  });

  it('suspension and revocation take effect at the command; reinstating lifts both', () => {
    const s = suspended();
    expect([credentialState(s), status(s), s.suspendedAt]).toEqual(['suspended', 'suspended', at]);
    expect(s.decision).toEqual({ action: 'suspend', at, by: 'city', reason: '安全检查不合格' });
    const r = run(s, { name: 'revoke', reason: '逾期未整改' }, regulator);
    expect([credentialState(r), status(r)]).toEqual(['revoked', 'revoked']);
    const back = run(r, { name: 'reinstate', reason: '复议撤销' }, regulator);
    expect([credentialState(back), status(back), back.suspendedAt, back.revokedAt]).toEqual(['verified', 'valid', undefined, undefined]);
  });

  it('a verified renewal of a revoked credential keeps it revoked until reinstated', () => {
    const c = run(run(revoked(), { name: 'submit', paper: renewalPaper }, holder), { name: 'verify' }, regulator);
    expect([c.number, status(c)]).toEqual(['L-2', 'revoked']);
  });

  it('reject refuses a first submission with its reason: it never counts, and the holder\'s next submission replaces it', () => {
    const refused = run(submitted(), { name: 'reject', reason: '扫描件与原件不符' }, regulator);
    expect([credentialState(refused), status(refused), refused.rejectedAt]).toEqual(['rejected', 'rejected', at]);
    expect(refused.decision).toEqual({ action: 'reject', at, by: 'city', reason: '扫描件与原件不符' });
    expect(allowedCommands('rejected')).toEqual(['submit']);
    const again = run(refused, { name: 'submit', paper: { ...paper, number: 'L-1c' } }, holder);
    expect([credentialState(again), status(again), again.number, again.rejectedAt]).toEqual(['submitted', 'unverified', 'L-1c', undefined]);
  });

  it('reject drops a pending renewal and leaves the current credential exactly as it was', () => {
    const pending = run(verified(), { name: 'submit', paper: renewalPaper }, holder);
    const refused = run(pending, { name: 'reject', reason: '有效期填写错误' }, regulator);
    expect([refused.renewal, refused.number, credentialState(refused), status(refused)]).toEqual([undefined, 'L-1', 'verified', 'valid']);
    expect(refused.decision).toMatchObject({ action: 'reject', reason: '有效期填写错误' });
    expect(transition(verified(), { name: 'reject', reason: 'x' }, regulator)).toMatchObject({ ok: false, code: 'CREDENTIAL_TRANSITION_NOT_ALLOWED' });
  });

  it('amend corrects the paper of a verified credential and keeps its state', () => {
    const c = run(suspended(), { name: 'amend', paper: { validTo: day('2028-01-01') }, reason: '更正' }, regulator);
    expect([c.validTo, c.number, credentialState(c)]).toEqual([day('2028-01-01'), 'L-1', 'suspended']);
  });

  it.each([
    ['verify', 'none'],
    ['suspend', 'none'],
    ['suspend', 'submitted'],
    ['revoke', 'submitted'],
    ['reinstate', 'submitted'],
    ['reinstate', 'verified'],
    ['reject', 'none'],
    ['verify', 'rejected'],
    ['amend', 'submitted'],
    ['verify', 'verified'],
    ['suspend', 'suspended'],
    ['suspend', 'revoked'],
    ['revoke', 'revoked'],
  ] as const)('refuses %s in state %s, naming what is allowed', (name, state) => {
    const start = { none: undefined, submitted: submitted(), rejected: run(submitted(), { name: 'reject', reason: '不符' }, regulator), verified: verified(), suspended: suspended(), revoked: revoked() }[state];
    const command = (name === 'amend' ? { name, paper: {}, reason: 'x' } : { name, reason: 'x' }) as CredentialCommand;
    const result = transition(start, command, regulator);
    expect(result).toMatchObject({ ok: false, code: 'CREDENTIAL_TRANSITION_NOT_ALLOWED' });
    if (!result.ok) expect(result.detail).toContain(`cannot ${name} a credential in state ${state}`);
  });

  it('refuses dates that end before they start', () => {
    expect(transition(verified(), { name: 'amend', paper: { validTo: day('2023-01-01') }, reason: 'x' }, regulator)).toMatchObject({ ok: false, code: 'CREDENTIAL_DATES_INVALID' });
  });

  it('lists the commands each state allows', () => {
    expect(allowedCommands('none')).toEqual(['submit']);
    expect(allowedCommands('submitted')).toEqual(['submit', 'verify', 'reject']);
    expect(allowedCommands('rejected')).toEqual(['submit']);
    expect(allowedCommands('verified')).toEqual(['submit', 'verify', 'reject', 'suspend', 'revoke', 'amend']);
    expect(allowedCommands('suspended')).toEqual(['submit', 'verify', 'reject', 'revoke', 'reinstate', 'amend']);
    expect(allowedCommands('revoked')).toEqual(['submit', 'verify', 'reject', 'reinstate', 'amend']);
  });
});
