import { createHmac } from 'node:crypto';

/**
 * Event ids the platform derives itself (the commission event of a cylinder, the ledger events
 * of an EPCIS ObjectEvent): deterministic, so a retry or a resent document maps onto the same
 * events, and unguessable, so nobody can post an event under an id the platform will use later
 * and block it (issue 9, defect 4). HMAC-SHA-256 under a key derived from a server secret, over
 * the scope (the enterprise whose events they are) and the name, truncated to 128 bits and
 * formatted as an RFC 9562 version 8 (custom) UUID.
 */
export interface EventIds {
  derived(scope: string, name: string): string;
}

const LABEL = 'lpg-trace/ledger-event-ids/v1';

export function createEventIds(secret: string): EventIds {
  const key = createHmac('sha256', secret).update(LABEL).digest();
  return {
    derived(scope, name) {
      const bytes = createHmac('sha256', key).update(`${scope}\n${name}`, 'utf8').digest().subarray(0, 16);
      bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
      bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}
