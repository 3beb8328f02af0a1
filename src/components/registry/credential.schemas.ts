import { z } from '../../shared/openapi/zod.openapi';
import type { CredentialCommandName } from './credential.lifecycle';
import { credentialPaper, credentialPaperChange, text } from './registry.schemas';

/** Which credentials each kind of record holds, by the name of its field. */
export const CREDENTIAL_HOLDERS = {
  enterprises: ['licence'],
  sites: ['licence', 'fillingLicence'],
  vehicles: ['permit'],
  workers: ['certificate'],
} as const;
export type CredentialHolder = keyof typeof CREDENTIAL_HOLDERS;
export type CredentialKind = (typeof CREDENTIAL_HOLDERS)[CredentialHolder][number];

const reason = text(500).openapi({ description: 'Why; kept in the audit trail and shown on the credential' });

/** The body of each command's route; unknown keys are refused. */
export const CREDENTIAL_COMMAND_BODIES = {
  submit: z.strictObject(credentialPaper).openapi('CredentialSubmission'),
  verify: z.strictObject({ reason: reason.optional() }).openapi('CredentialVerify'),
  reject: z.strictObject({ reason }).openapi('CredentialReject'),
  suspend: z.strictObject({ reason }).openapi('CredentialSuspend'),
  revoke: z.strictObject({ reason }).openapi('CredentialRevoke'),
  reinstate: z.strictObject({ reason }).openapi('CredentialReinstate'),
  amend: z
    .strictObject({ ...credentialPaperChange, reason })
    .openapi('CredentialAmend'),
} satisfies Record<CredentialCommandName, z.ZodType>;

export const COMMAND_SUMMARIES: Record<CredentialCommandName, string> = {
  submit:
    'Submit the credential (or a renewal). From the holder\'s enterprise it awaits verification; over a verified credential it is a renewal that does not disturb the current one until verified. From a regulator it is verified at once.',
  verify: 'Verify the submitted credential, or the pending renewal (regulators: city, or the district of the record). Only now does it count.',
  reject: 'Refuse the submitted credential, or the pending renewal, with a reason (regulators). A refused submission never counts and is kept, with the reason, until the holder submits again; a refused renewal is dropped and the current credential stays as it was.',
  suspend: 'Suspend a verified credential, with a reason (regulators). Takes effect at once.',
  revoke: 'Revoke a verified or suspended credential, with a reason (regulators). Takes effect at once.',
  reinstate: 'Lift a suspension or revocation, with a reason (regulators).',
  amend: 'Correct the paper (number, issuer, dates, scan) of a verified credential, with a reason (regulators).',
};
