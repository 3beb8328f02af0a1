import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

/**
 * A QR reader for the camera's frames. The browser's own BarcodeDetector when it exists and
 * works; WeChat's, QQ's and vendor browsers' either lack it or throw, so it is probed once and
 * any exception means unsupported. Otherwise the zxing-wasm polyfill, its .wasm served by the
 * platform from /m/assets (pre-cached by the service worker: never a CDN), loaded on first use.
 */
export interface QrReader {
  kind: 'native' | 'polyfill';
  detect(source: CanvasImageSource): Promise<string[]>;
}

interface DetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorClass = (new (options: { formats: string[] }) => DetectorLike) & { getSupportedFormats?: () => Promise<string[]> };

async function nativeReader(): Promise<QrReader | undefined> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (typeof Native !== 'function') return undefined;
  try {
    const formats = await Native.getSupportedFormats?.();
    if (formats && !formats.includes('qr_code')) return undefined;
    const detector = new Native({ formats: ['qr_code'] });
    const probe = document.createElement('canvas');
    probe.width = probe.height = 8;
    await detector.detect(probe);
    return { kind: 'native', detect: async (source) => (await detector.detect(source)).map((b) => b.rawValue) };
  } catch {
    return undefined;
  }
}

async function polyfillReader(): Promise<QrReader> {
  const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) }, fireImmediately: true });
  const detector = new BarcodeDetector({ formats: ['qr_code'] });
  return { kind: 'polyfill', detect: async (source) => (await detector.detect(source as ImageBitmapSource)).map((b) => b.rawValue) };
}

let chosen: Promise<QrReader> | undefined;

export function qrReader(): Promise<QrReader> {
  chosen ??= (async () => (await nativeReader()) ?? polyfillReader())();
  return chosen;
}

/** A native detector that fails at work (not only at the probe) is dropped for the polyfill. */
export async function detectWithFallback(source: CanvasImageSource): Promise<{ values: string[]; kind: QrReader['kind'] }> {
  const reader = await qrReader();
  try {
    return { values: await reader.detect(source), kind: reader.kind };
  } catch (error) {
    if (reader.kind !== 'native') throw error;
    chosen = polyfillReader();
    const fallback = await chosen;
    return { values: await fallback.detect(source), kind: fallback.kind };
  }
}
