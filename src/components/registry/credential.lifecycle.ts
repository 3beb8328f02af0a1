/**
 * The lifecycle of a licence, permit or certificate as one rules table and a pure `transition()`:
 * (stored credential, command, who and when) → the next stored credential, or a refusal naming the
 * state and the command. No I/O; who may send which command is the permission table's business
 * (`credentials` in auth.permissions.ts), and which records, the scope filter's.
 *
 *   (none) ──submit by holder──▶ submitted ──verify──▶ verified ──suspend──▶ suspended
 *                                                         │  ▲                  │
 *                                                   revoke│  └────reinstate─────┤revoke
 *                                                         ▼                     ▼
 *                                                      revoked ◀────────────────┘  (reinstate → verified)
 *   submitted ──reject──▶ rejected ──submit by holder──▶ submitted
 * `expired` / `expiring` / `not_yet_valid` are not states: credential.status.ts derives them from
 * the dates at the moment of reading.
 *
 * Decisions the brief leaves open, made here once:
 * - A holder's submission (or resubmission) of a credential nobody has verified yet replaces it:
 *   nothing counted, so nothing is lost.
 * - A holder's submission over a verified, suspended or revoked credential is a renewal: it waits
 *   in `renewal` and the current credential keeps counting (or not) exactly as before, until a
 *   regulator verifies the renewal. A newer renewal replaces an older pending one.
 * - Verifying a renewal replaces the paper (number, issuer, dates, scan) and keeps the state: a
 *   suspended or revoked credential stays so until a regulator explicitly reinstates it.
 * - A regulator's own submission is verified at once (the contract): over an existing credential
 *   it replaces the paper, drops any pending renewal, and keeps the state.
 * - `amend` is a regulator correcting the paper (e.g. the dates) of a verified credential, with a
 *   reason; a submission awaiting verification is verified or resubmitted instead.
 * - Suspension and revocation take effect at the moment of the command, so the next read of the
 *   status sees them; reinstating lifts both.
 * - `reject` is a regulator refusing what a holder submitted, with a reason: a first submission
 *   becomes `rejected` (kept, with the reason, until the holder submits again, which replaces it);
 *   a pending renewal is dropped and the current credential stays exactly as it was.
 */
import type { StoredCredential, StoredSubmission } from './registry.model';

export const CREDENTIAL_STATES = ['submitted', 'rejected', 'verified', 'suspended', 'revoked'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];

export const CREDENTIAL_COMMANDS = ['submit', 'verify', 'reject', 'suspend', 'revoke', 'reinstate', 'amend'] as const;
export type CredentialCommandName = (typeof CREDENTIAL_COMMANDS)[number];

/** What is written on the paper: everything a holder submits and a regulator verifies. */
export interface CredentialPaper {
  number: string;
  scope?: string;
  issuer?: string;
  validFrom?: Date;
  validTo: Date;
  scanSha256?: string;
  note?: string;
}
export const PAPER_FIELDS = ['number', 'scope', 'issuer', 'validFrom', 'validTo', 'scanSha256', 'note'] as const;

/** Who sends the command and when. `regulator` means a regulator with authority over the record. */
export interface Stamp {
  at: Date;
  by: string;
  authority: 'holder' | 'regulator';
}

export type CredentialCommand =
  | { name: 'submit'; paper: CredentialPaper }
  | { name: 'verify'; reason?: string | undefined }
  | { name: 'reject' | 'suspend' | 'revoke' | 'reinstate'; reason: string }
  | { name: 'amend'; paper: Partial<CredentialPaper>; reason?: string | undefined };

export type CredentialTransition =
  | { ok: true; from: CredentialState | 'none'; to: CredentialState; credential: StoredCredential }
  | { ok: false; code: 'CREDENTIAL_TRANSITION_NOT_ALLOWED' | 'CREDENTIAL_DATES_INVALID'; detail: string };

/** The lifecycle state of a stored credential (not its dated status). */
export function credentialState(c: StoredCredential | undefined): CredentialState | 'none' {
  if (!c) return 'none';
  if (c.revokedAt) return 'revoked';
  if (c.suspendedAt) return 'suspended';
  if (c.verifiedAt) return 'verified';
  return c.rejectedAt ? 'rejected' : 'submitted';
}

type Rule = (c: StoredCredential, command: CredentialCommand, stamp: Stamp) => StoredCredential | string;

const VERIFIED_STATES: readonly CredentialState[] = ['verified', 'suspended', 'revoked'];

function withPaper(c: StoredCredential | undefined, paper: Partial<CredentialPaper>): StoredCredential {
  const next = { ...(c as StoredCredential) };
  for (const key of PAPER_FIELDS) {
    if (paper[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = paper[key];
  }
  return next;
}

function decided(c: StoredCredential, command: CredentialCommand, stamp: Stamp): StoredCredential {
  const reason = 'reason' in command ? command.reason : undefined;
  return { ...c, decision: { action: command.name, at: stamp.at, by: stamp.by, ...(reason ? { reason } : {}) } };
}

function verifiedNow(c: StoredCredential, stamp: Stamp): StoredCredential {
  return { ...c, verifiedAt: stamp.at, verifiedBy: stamp.by };
}

function submission(paper: CredentialPaper, stamp: Stamp): StoredSubmission {
  return { ...paper, submittedAt: stamp.at, submittedBy: stamp.by };
}

/** The first submission, or a resubmission of one nobody has verified: replaces it. */
const firstSubmission: Rule = (c, command, stamp) => {
  if (command.name !== 'submit') return 'not a submission';
  const fresh: StoredCredential = { ...submission(command.paper, stamp) };
  if (stamp.authority === 'holder') return fresh;
  return decided(verifiedNow(fresh, stamp), command, stamp);
};

/** A submission over a credential a regulator verified: a renewal for the holder, at once for a regulator. */
const renewal: Rule = (c, command, stamp) => {
  if (command.name !== 'submit') return 'not a submission';
  if (stamp.authority === 'holder') return { ...c, renewal: submission(command.paper, stamp) };
  const { renewal: _dropped, ...current } = c;
  const cleared = Object.fromEntries(Object.entries(current).filter(([k]) => !(PAPER_FIELDS as readonly string[]).includes(k)));
  return decided(verifiedNow({ ...(cleared as unknown as StoredCredential), ...submission(command.paper, stamp) }, stamp), command, stamp);
};

const promoteRenewal: Rule = (c, command, stamp) => {
  if (!c.renewal) return 'there is no renewal awaiting verification';
  const { renewal: pending, ...current } = c;
  const cleared = Object.fromEntries(Object.entries(current).filter(([k]) => !(PAPER_FIELDS as readonly string[]).includes(k)));
  return decided(verifiedNow({ ...(cleared as unknown as StoredCredential), ...pending }, stamp), command, stamp);
};

const dropRenewal: Rule = (c, command, stamp) => {
  if (!c.renewal) return 'there is no renewal awaiting verification';
  const { renewal: _refused, ...current } = c;
  return decided(current, command, stamp);
};

const RULES: Record<CredentialCommandName, Partial<Record<CredentialState | 'none', Rule>>> = {
  submit: { none: firstSubmission, submitted: firstSubmission, rejected: firstSubmission, verified: renewal, suspended: renewal, revoked: renewal },
  verify: {
    submitted: (c, command, stamp) => decided(verifiedNow(c, stamp), command, stamp),
    ...Object.fromEntries(VERIFIED_STATES.map((s) => [s, promoteRenewal])),
  },
  reject: {
    submitted: (c, command, stamp) => decided({ ...c, rejectedAt: stamp.at }, command, stamp),
    ...Object.fromEntries(VERIFIED_STATES.map((s) => [s, dropRenewal])),
  },
  suspend: { verified: (c, command, stamp) => decided({ ...c, suspendedAt: stamp.at }, command, stamp) },
  revoke: {
    verified: (c, command, stamp) => decided({ ...c, revokedAt: stamp.at }, command, stamp),
    suspended: (c, command, stamp) => decided({ ...c, revokedAt: stamp.at }, command, stamp),
  },
  reinstate: Object.fromEntries(
    (['suspended', 'revoked'] as const).map((s) => [
      s,
      ((c, command, stamp) => {
        const { suspendedAt: _s, revokedAt: _r, ...rest } = c;
        return decided(rest as StoredCredential, command, stamp);
      }) as Rule,
    ]),
  ),
  amend: Object.fromEntries(
    VERIFIED_STATES.map((s) => [s, ((c, command, stamp) => (command.name === 'amend' ? decided(withPaper(c, command.paper), command, stamp) : 'not an amendment')) as Rule]),
  ),
};

/** The commands a state allows, for messages and for clients that offer the next step. */
export function allowedCommands(state: CredentialState | 'none'): CredentialCommandName[] {
  return CREDENTIAL_COMMANDS.filter((name) => RULES[name][state] !== undefined);
}

export function transition(c: StoredCredential | undefined, command: CredentialCommand, stamp: Stamp): CredentialTransition {
  const from = credentialState(c);
  const rule = RULES[command.name][from];
  const refuse = (why?: string): CredentialTransition => ({
    ok: false,
    code: 'CREDENTIAL_TRANSITION_NOT_ALLOWED',
    detail: `cannot ${command.name} a credential in state ${from}${why ? `: ${why}` : ''} (allowed: ${allowedCommands(from).join(', ') || 'none'})`,
  });
  if (!rule) return refuse();
  const next = rule(c as StoredCredential, command, stamp);
  if (typeof next === 'string') return refuse(next);
  if (next.validFrom && next.validFrom >= next.validTo) return { ok: false, code: 'CREDENTIAL_DATES_INVALID', detail: 'must be after validFrom' };
  return { ok: true, from, to: credentialState(next) as CredentialState, credential: next };
}
