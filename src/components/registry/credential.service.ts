import { Types } from 'mongoose';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import type { AuditService } from '../audit';
import { authorize, scopeFilter, type Principal } from '../auth';
import { transition, type CredentialCommand, type CredentialCommandName, type CredentialPaper } from './credential.lifecycle';
import { CREDENTIAL_COMMAND_BODIES, type CredentialHolder, type CredentialKind } from './credential.schemas';
import { credentialStamp, paperOf, type RecordDefinition } from './registry.definition';
import type { StoredCredential, StoredDoc } from './registry.model';
import type { RegistryPolicy } from './registry.policy';
import type { RecordRepository } from './registry.repository';
import { auditScope } from './registry.service';

export interface CredentialServiceDeps {
  transaction: UnitOfWork;
  audit: AuditService;
  policy: RegistryPolicy;
  now: () => Date;
  holders: Record<CredentialHolder, { definition: RecordDefinition; repo: RecordRepository }>;
}

export interface CredentialService {
  /** Applies one lifecycle command to one credential of a record in the caller's scope; answers the record. */
  apply(principal: Principal, holder: CredentialHolder, id: string, kind: CredentialKind, command: CredentialCommandName, body: unknown): Promise<Record<string, unknown>>;
}

/** authorize → parse → transaction → load in scope → transition → store → audit (with the reason) → view. */
export function createCredentialService(deps: CredentialServiceDeps): CredentialService {
  return {
    async apply(principal, holder, id, kind, name, body) {
      authorize(principal, 'credentials', name);
      const command = toCommand(name, CREDENTIAL_COMMAND_BODIES[name].parse(body) as Record<string, unknown>);
      const { definition: def, repo } = deps.holders[holder];
      const at = deps.now();
      const scoped = { $and: [scopeFilter(principal, holder), { _id: new Types.ObjectId(id) }] };
      const view = (doc: StoredDoc) => def.view(doc, { now: at, policy: deps.policy });
      const after = await deps.transaction(async (session) => {
        const before = await repo.findOne(scoped, session);
        if (!before) throw AppError.notFound(`No ${def.noun} ${id}`);
        if (kind === 'fillingLicence' && before.kind !== 'filling_station') {
          throw AppError.validation([{ path: 'kind', message: 'only filling stations hold a filling licence' }]);
        }
        const result = transition(before[kind] as StoredCredential | undefined, command, credentialStamp(principal, at));
        if (!result.ok) {
          if (result.code === 'CREDENTIAL_DATES_INVALID') throw AppError.validation([{ path: 'validTo', message: result.detail }]);
          throw new AppError(result.code, 409, 'Credential transition not allowed', { detail: `${kind}: ${result.detail}` });
        }
        const next: StoredDoc = { ...before, [kind]: result.credential, updatedAt: at };
        await repo.updateOne(scoped, { [kind]: result.credential, updatedAt: at }, {}, session);
        await deps.audit.record(
          {
            actor: principal,
            action: `credential_${name}`,
            resource: holder,
            recordId: before._id,
            before: view(before),
            after: view(next),
            reason: 'reason' in command ? command.reason : undefined,
            ...auditScope(def, next),
          },
          session,
        );
        return next;
      });
      const viewer = { ...(principal.enterpriseId ? { enterpriseId: principal.enterpriseId } : {}), now: at, policy: deps.policy };
      return def.view(after, viewer);
    },
  };
}

function toCommand(name: CredentialCommandName, body: Record<string, unknown>): CredentialCommand {
  const reason = typeof body.reason === 'string' ? body.reason : undefined;
  switch (name) {
    case 'submit':
      return { name, paper: paperOf(body) as CredentialPaper };
    case 'amend':
      return { name, paper: paperOf(body), reason };
    case 'verify':
      return { name, reason };
    case 'reject':
    case 'suspend':
    case 'revoke':
    case 'reinstate':
      return { name, reason: reason ?? '' };
  }
}
