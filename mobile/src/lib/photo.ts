import { sha256Hex } from './uuid';

/**
 * Photos are made small on the phone before they are kept (a day of them must fit the phone and a
 * weak uplink): the longest side at most 1280 px, JPEG at quality 0.7, through a canvas. That also
 * drops the camera's EXIF (its position among it).
 */
export const MAX_SIDE = 1280;

export interface Picture {
  sha256: string;
  type: string;
  data: ArrayBuffer;
  /** For the preview only. */
  dataUrl: string;
  originalBytes: number;
}

export async function compressPhoto(file: Blob, maxSide = MAX_SIDE, quality = 0.7): Promise<Picture> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return pictureOf(canvas, 'image/jpeg', quality, file.size);
}

export async function pictureOf(canvas: HTMLCanvasElement, type: 'image/jpeg' | 'image/png', quality?: number, originalBytes = 0): Promise<Picture> {
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encoding failed'))), type, quality));
  const data = await blob.arrayBuffer();
  return { sha256: await sha256Hex(data), type, data, dataUrl: canvas.toDataURL(type, quality), originalBytes: originalBytes || data.byteLength };
}
