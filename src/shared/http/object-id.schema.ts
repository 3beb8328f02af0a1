import { z } from '../openapi/zod.openapi';

/** A MongoDB ObjectId as 24 lower-case hex digits: the only form an id takes in a path, query or body. */
export const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/;

/**
 * The one id schema of the API. Every route parses its ids with it at the edge, so a malformed id
 * is a 400 naming the parameter and never reaches the driver (whose cast error would be a 500).
 */
export const objectId = z
  .string()
  .regex(OBJECT_ID_PATTERN, 'must be a 24-character hex id')
  .openapi({ pattern: OBJECT_ID_PATTERN.source, example: '665f1c2e9b1d8c0012345678' });

/** `/{id}` of a route. */
export const idParams = z.strictObject({ id: objectId });
