import iconv from 'iconv-lite';
import { AppError } from '../../shared/errors/app.error';

export const ENCODINGS = ['utf-8', 'gb18030', 'gbk'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of an uploaded CSV. Without an explicit encoding: a UTF-8 BOM or bytes that are valid
 * UTF-8 mean UTF-8; anything else is read as GB18030 (a superset of GBK, what Chinese Excel writes
 * for "CSV (逗号分隔)"). GBK text is almost never valid UTF-8, so the guess is safe in practice.
 */
export function decodeCsv(bytes: Buffer, encoding?: Encoding): { text: string; encoding: Encoding } {
  if (bytes.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])) || bytes.subarray(0, 2).equals(Buffer.from([0xfe, 0xff]))) {
    throw new AppError('UNSUPPORTED_ENCODING', 415, 'Unsupported encoding', {
      detail: 'UTF-16 files are not accepted; save the sheet as "CSV UTF-8" or "CSV (逗号分隔)"',
    });
  }
  const hasBom = bytes.subarray(0, 3).equals(UTF8_BOM);
  if (encoding === 'gb18030' || encoding === 'gbk') return { text: iconv.decode(bytes, encoding), encoding };
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { text: strictUtf8.decode(body), encoding: 'utf-8' };
  } catch {
    if (encoding === 'utf-8') {
      throw new AppError('INVALID_ENCODING', 400, 'Invalid encoding', { detail: 'The file is not valid UTF-8' });
    }
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gb18030' };
  }
}

/** An encoding named in a Content-Type charset parameter, if it is one we read. */
export function charsetOf(contentType: string | undefined): Encoding | undefined {
  const charset = /;\s*charset="?([\w-]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === 'utf8' || charset === 'utf-8') return 'utf-8';
  if (charset === 'gbk' || charset === 'gb2312' || charset === 'cp936') return 'gbk';
  if (charset === 'gb18030') return 'gb18030';
  return undefined;
}
