import { z } from '../openapi/zod.openapi';

export const fieldErrorSchema = z
  .object({
    path: z.string().openapi({ example: 'body.weightKg' }),
    message: z.string().openapi({ example: 'Too small: expected number to be >0' }),
  })
  .openapi('FieldError');

/** RFC 9457 problem details plus our stable `code` and the request id to quote to support. */
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:lpg-trace:problem:validation-failed' }),
    title: z.string().openapi({ example: 'Validation failed' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ example: '/api/v1/cylinders' }),
    code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
    requestId: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
    reasons: z
      .array(z.object({ code: z.string(), detail: z.string() }).openapi('ProblemReason'))
      .optional()
      .openapi({ description: 'Every reason of a refusal (a captured event breaking several rules); the first is `code` and `detail`' }),
  })
  .openapi('Problem', {
    description:
      'RFC 9457 problem details. title, detail, errors[].message and reasons[].detail follow Accept-Language (zh-CN or English, the default); code never changes.',
  });

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `urn:lpg-trace:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}
