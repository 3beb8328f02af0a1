import { z } from '../../../shared/openapi/zod.openapi';
import { credentialInput, credentialPatch, credentialStatusSchema, credentialView, districtCode, listQueryBase, recordMeta, text, uscc } from '../registry.schemas';

/** The gas-operation licence (燃气经营许可证): scope, issuer and start date are on every one. */
const gasLicence = credentialInput.extend({ scope: text(200), issuer: text(100), validFrom: credentialInput.shape.validTo });

export const enterpriseCreate = z
  .strictObject({
    name: text(100),
    uscc: uscc.optional(),
    districtCode,
    address: text(200),
    licence: gasLicence.optional().openapi({
      description:
        'Entered by the regulator that issued it (verified at once). Left out for an enterprise still applying for its licence: its administrator submits the licence, which awaits verification (status missing, then unverified); until a regulator verifies it every event the enterprise records is refused (ENTERPRISE_LICENCE_INVALID)',
    }),
  })
  .openapi('EnterpriseCreate');

export const enterprisePatch = z
  .strictObject({ name: text(100).optional(), uscc: uscc.optional(), districtCode: districtCode.optional(), address: text(200).optional(), licence: credentialPatch.optional() })
  .openapi('EnterprisePatch');

export const enterpriseQuery = z.strictObject({
  ...listQueryBase,
  sort: z.enum(['createdAt', 'name', 'updatedAt']).default('createdAt'),
  status: credentialStatusSchema.optional().openapi({ description: 'Derived status of the gas-operation licence' }),
});

export const enterpriseView = z
  .object({ ...recordMeta, name: z.string(), uscc: z.string().optional(), districtCode: z.string(), address: z.string(), licence: credentialView.optional() })
  .openapi('Enterprise');

export type EnterpriseCreate = z.infer<typeof enterpriseCreate>;
export type EnterprisePatch = z.infer<typeof enterprisePatch>;
export type EnterpriseQuery = z.infer<typeof enterpriseQuery>;
