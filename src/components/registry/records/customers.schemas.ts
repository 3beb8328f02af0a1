import { z } from '../../../shared/openapi/zod.openapi';
import { districtCode, idNumber, listQueryBase, objectId, phone, recordMeta, text, uscc } from '../registry.schemas';

export const CUSTOMER_KINDS = ['household', 'business'] as const;

export const customerCreate = z
  .strictObject({
    enterpriseId: objectId.optional().openapi({ description: 'The supplying enterprise that registers the customer' }),
    kind: z.enum(CUSTOMER_KINDS),
    realName: text(100).openapi({ description: 'The householder\'s real name, or the business\'s registered name' }),
    idNumber: idNumber.optional().openapi({ description: 'Households only, and required for them (实名制); write-only' }),
    uscc: uscc.optional().openapi({ description: 'Businesses only, optional' }),
    phone,
    address: text(200),
    districtCode,
  })
  .openapi('CustomerCreate');

export const customerPatch = z
  .strictObject({ realName: text(100).optional(), uscc: uscc.optional(), phone: phone.optional(), address: text(200).optional(), districtCode: districtCode.optional() })
  .openapi('CustomerPatch');

export const customerQuery = z.strictObject({
  ...listQueryBase,
  sort: z.enum(['createdAt', 'realName', 'updatedAt']).default('createdAt'),
  kind: z.enum(CUSTOMER_KINDS).optional(),
});

export const customerView = z
  .object({
    ...recordMeta,
    enterpriseId: z.string(),
    districtCode: z.string(),
    kind: z.enum(CUSTOMER_KINDS),
    realName: z.string(),
    idNumber: z.string().optional().openapi({ example: '**************1234' }),
    uscc: z.string().optional(),
    phone: z.string().openapi({ description: 'Full for the owning enterprise, masked (138****1234) for everyone else' }),
    address: z.string(),
  })
  .openapi('Customer');

export type CustomerCreate = z.infer<typeof customerCreate>;
export type CustomerPatch = z.infer<typeof customerPatch>;
export type CustomerQuery = z.infer<typeof customerQuery>;
