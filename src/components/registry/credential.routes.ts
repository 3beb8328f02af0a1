import { Router } from 'express';
import { principalOf } from '../auth';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { CREDENTIAL_COMMANDS } from './credential.lifecycle';
import { COMMAND_SUMMARIES, CREDENTIAL_COMMAND_BODIES, CREDENTIAL_HOLDERS, type CredentialHolder } from './credential.schemas';
import type { CredentialService } from './credential.service';
import type { RecordDefinition } from './registry.definition';
import { idParams } from './registry.schemas';

const HOLDERS = Object.keys(CREDENTIAL_HOLDERS) as CredentialHolder[];

/** POST /{records}/{id}/credentials/{kind}/{command}: one route per credential and command. */
export function credentialRoutes(service: CredentialService): Router {
  const router = Router();
  for (const holder of HOLDERS) {
    for (const kind of CREDENTIAL_HOLDERS[holder]) {
      for (const command of CREDENTIAL_COMMANDS) {
        router.post(`/${holder}/:id/credentials/${kind}/${command}`, async (req, res) => {
          const principal = principalOf(req);
          const { id } = idParams.parse(req.params);
          res.json(await service.apply(principal, holder, id, kind, command, req.body ?? {}));
        });
      }
    }
  }
  return router;
}

export function registerCredentialOpenApi(registry: OpenAPIRegistry, definitions: Record<CredentialHolder, RecordDefinition>): void {
  for (const holder of HOLDERS) {
    for (const kind of CREDENTIAL_HOLDERS[holder]) {
      for (const command of CREDENTIAL_COMMANDS) {
        registry.registerPath({
          method: 'post',
          path: `/api/v1/${holder}/{id}/credentials/${kind}/${command}`,
          tags: [holder, 'credentials'],
          security: [{ bearerAuth: [] }],
          summary: `${kind}: ${COMMAND_SUMMARIES[command]}`,
          request: { params: idParams, body: { ...json(CREDENTIAL_COMMAND_BODIES[command]), required: true } },
          responses: {
            200: { description: `The ${definitions[holder].noun}, with the credential after the transition`, ...json(definitions[holder].viewSchema) },
            400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED)'),
            401: problemResponse('Not authenticated'),
            403: problemResponse('The role may not do this to credentials (FORBIDDEN): only regulators verify, suspend, revoke, reinstate and amend'),
            404: problemResponse('No such record within the caller\'s scope (a district regulator: its district)'),
            409: problemResponse('CREDENTIAL_TRANSITION_NOT_ALLOWED: the credential\'s state does not allow this command (the detail lists what it allows)'),
          },
        });
      }
    }
  }
}
