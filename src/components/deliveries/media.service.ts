import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { authorize, type Principal } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import type { MediaDoc } from './deliveries.model';
import type { DeliveriesRepository } from './deliveries.repository';
import { submitterOf } from './deliveries.service';

export const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

/** The type an image's first bytes say it is (its declared type is not trusted). */
export function sniffImage(data: Buffer): MediaType | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

export interface MediaDeps {
  repo: DeliveriesRepository;
  maxBytes: number;
  now: () => Date;
}

/**
 * Photos of installed cylinders and customers' signatures: stored beside the flows, never in a
 * ledger event (an event names an image by its SHA-256 only through the visit). Bounded: at most
 * `maxBytes`, a JPEG, PNG or WebP by its own first bytes, and the SHA-256 it is uploaded under
 * must be its own — so a phone can upload it once, offline-first, under the name its visit uses.
 */
export function createMedia(deps: MediaDeps) {
  async function upload(principal: Principal, sha256: string, declaredType: string | undefined, data: unknown): Promise<{ created: boolean; view: { sha256: string; type: string; bytes: number } }> {
    const who = submitterOf(principal);
    if (!Buffer.isBuffer(data) || data.length === 0) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type', { detail: `send the image itself as the body, Content-Type one of ${MEDIA_TYPES.join(', ')}` });
    }
    if (data.length > deps.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', 413, 'Payload too large', { detail: `an image is at most ${deps.maxBytes} bytes` });
    const type = sniffImage(data);
    if (!type || type !== declaredType) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type', { detail: `the body is ${type ?? 'not a JPEG, PNG or WebP image'}, declared ${declaredType ?? 'nothing'}` });
    }
    if (createHash('sha256').update(data).digest('hex') !== sha256) throw AppError.validation([{ path: 'sha256', message: "is not the image's SHA-256" }]);
    const doc: MediaDoc = { _id: new Types.ObjectId(), enterpriseId: who.enterpriseId, sha256, type, bytes: data.length, data, uploadedBy: principal.userId, createdAt: deps.now() };
    const created = await deps.repo.putMedia(doc);
    return { created, view: { sha256, type, bytes: data.length } };
  }

  /** An image within the caller's reach: its own enterprise's, or any for the city; a district regulator's through a record of its district. */
  async function read(principal: Principal, sha256: string): Promise<{ type: string; data: Buffer }> {
    authorize(principal, 'deliveries', 'read');
    const found = await deps.repo.mediaReadable(principal, sha256);
    if (!found) throw AppError.notFound('no such image');
    return found;
  }

  return { upload, read };
}
