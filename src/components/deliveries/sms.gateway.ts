import type { Logger } from '../../shared/logger/logger.factory';

/** Sends a text to a phone; false when it could not (the customer then reads the code on their own page). */
export type SmsSender = (phone: string, text: string) => Promise<boolean>;

/**
 * The SMS gateway, when one is configured: a POST of `{ "to", "text" }` as JSON to its URL, with
 * the token as a bearer credential. No vendor's protocol is assumed (each city contracts its own):
 * an adapter in front of the vendor speaks this. Never logs the text (it carries a code or a link)
 * nor the phone.
 */
export function httpSmsSender(gateway: { url: string; token?: string }, logger: Pick<Logger, 'warn'>, timeoutMs = 5_000): SmsSender {
  return async (phone, text) => {
    try {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(gateway.token ? { authorization: `Bearer ${gateway.token}` } : {}) },
        body: JSON.stringify({ to: phone, text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer();
      if (!res.ok) logger.warn({ status: res.status }, 'SMS gateway refused a message');
      return res.ok;
    } catch (error) {
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'SMS gateway unreachable');
      return false;
    }
  };
}
