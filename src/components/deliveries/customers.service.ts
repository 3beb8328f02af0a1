import { createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { authorize, type Principal } from '../auth';
import { maskIdNumber, maskPhone, type CustomerContact, type Registry } from '../registry';
import type { Ledger } from '../ledger';
import { AppError } from '../../shared/errors/app.error';
import type { DeliveriesRepository } from './deliveries.repository';
import type { SmsSender } from './sms.gateway';
import { SAFETY_ITEMS, SAFETY_ITEM_KEYS } from './safety-check.items';

export interface CustomersDeps {
  repo: DeliveriesRepository;
  registry: Pick<Registry, 'customerContact' | 'cylinderIdentity'>;
  ledger: Pick<Ledger, 'cylindersWithCustomer'>;
  sms?: SmsSender;
  /** Keys the customer page's session cookie (derived from JWT_SECRET). */
  sessionSecret: string;
  linkTtlMs: number;
  codeTtlMs: number;
  publicBaseUrl?: string;
  now: () => Date;
}

/** How long a session opened by a link lasts on the customer's phone. */
export const SESSION_TTL_MS = 30 * 60_000;

/** The city's wall clock (Asia/Shanghai), as the customer reads it: `2025-06-01 10:30`. */
const WALL_CLOCK = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const local = (d: Date): string => WALL_CLOCK.format(d);
const day = (d: Date): string => local(d).slice(0, 10);

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What the customer's own page shows: their own records, phone and ID number masked as everywhere outside the enterprise. */
export interface CustomerPage {
  realName: string;
  phone: string;
  idNumber?: string;
  address: string;
  cylinders: { serial: string; model: string; since: string; nextInspectionDate?: string }[];
  deliveries: { at: string; handedOver: number; collected: number; confirmed: boolean; method: string }[];
  checks: { at: string; items: { name: string; result: string }[]; hazards: number }[];
  openHazards: { name: string; deadline: string }[];
  code?: { code: string; expiresAt: string };
}

/**
 * The customer's side of a delivery: a one-time link to their own page (no password: the link's
 * first open starts a short session, and only the link's hash is kept), the hand-over codes a
 * worker asks for (sent by SMS where a gateway is configured, otherwise read on that page), and the
 * page itself.
 */
export function createCustomers(deps: CustomersDeps) {
  const key = Buffer.from(hkdfSync('sha256', deps.sessionSecret, 'lpg-trace', 'customer-page/v1', 32));
  const mac = (body: string) => createHmac('sha256', key).update(body).digest().subarray(0, 16);

  async function ownCustomer(principal: Principal, customerId: string): Promise<CustomerContact> {
    const customer = await deps.registry.customerContact(customerId);
    // Another enterprise's customer reads exactly like a missing one.
    if (!customer || !customer.active || customer.enterpriseId !== principal.enterpriseId) throw AppError.notFound(`no customer ${customerId}`);
    return customer;
  }

  /** A new hand-over code for the customer; the worker never sees it (the customer reads it to them). */
  async function issueCode(customer: CustomerContact, send: boolean): Promise<{ code: string; expiresAt: Date; sentBy: 'sms' | 'customer_page' }> {
    const now = deps.now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + deps.codeTtlMs);
    await deps.repo.insertCode({ _id: new Types.ObjectId(), customerId: customer.id, enterpriseId: new Types.ObjectId(customer.enterpriseId), code, createdAt: now, expiresAt });
    const minutes = Math.round(deps.codeTtlMs / 60_000);
    const sent = send && deps.sms ? await deps.sms(customer.phone, `【液化气配送】您的交付码为 ${code}，${minutes} 分钟内有效。请在送气工交付气瓶时告知。`) : false;
    return { code, expiresAt, sentBy: sent ? 'sms' : 'customer_page' };
  }

  async function requestCode(principal: Principal, customerId: string) {
    authorize(principal, 'deliveries', 'create');
    const { expiresAt, sentBy } = await issueCode(await ownCustomer(principal, customerId), true);
    return { expiresAt: expiresAt.toISOString(), sentBy };
  }

  async function createLink(principal: Principal, customerId: string) {
    authorize(principal, 'customer_links', 'create');
    const customer = await ownCustomer(principal, customerId);
    const token = randomBytes(24).toString('base64url');
    const now = deps.now();
    const expiresAt = new Date(now.getTime() + deps.linkTtlMs);
    await deps.repo.insertLink({ _id: new Types.ObjectId(), tokenHash: sha256(token), customerId: customer.id, enterpriseId: new Types.ObjectId(customer.enterpriseId), createdBy: principal.userId, createdAt: now, expiresAt });
    const url = `${deps.publicBaseUrl ?? ''}/c/${token}`;
    const sent = deps.sms ? await deps.sms(customer.phone, `【液化气配送】查看您家的气瓶、配送与安检记录：${url}（仅可打开一次）`) : false;
    return { url, expiresAt: expiresAt.toISOString(), sentBy: sent ? ('sms' as const) : ('none' as const) };
  }

  /** Spends a link: its first open is a session (a signed cookie value); a used or expired link is gone. */
  async function openLink(token: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return undefined;
    const link = await deps.repo.spendLink(sha256(token), deps.now());
    if (!link) return undefined;
    const body = Buffer.from(JSON.stringify({ c: link.customerId, e: deps.now().getTime() + SESSION_TTL_MS })).toString('base64url');
    return `${body}.${mac(body).toString('base64url')}`;
  }

  /** The customer a session cookie stands for, while it lasts. */
  function sessionCustomer(cookie: string | undefined): string | undefined {
    const [body, given, extra] = (cookie ?? '').split('.');
    if (!body || !given || extra !== undefined) return undefined;
    const givenMac = Buffer.from(given, 'base64url');
    const wanted = mac(body);
    if (givenMac.length !== wanted.length || !timingSafeEqual(givenMac, wanted)) return undefined;
    try {
      const { c, e } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { c?: unknown; e?: unknown };
      return typeof c === 'string' && typeof e === 'number' && e > deps.now().getTime() ? c : undefined;
    } catch {
      return undefined;
    }
  }

  async function page(customerId: string): Promise<CustomerPage | undefined> {
    const customer = await deps.registry.customerContact(customerId);
    if (!customer || !customer.active) return undefined;
    const now = deps.now();
    const [held, visits, checks, hazards, code] = await Promise.all([
      deps.ledger.cylindersWithCustomer(customerId, 20),
      deps.repo.visitsOfCustomer(customerId, 10),
      deps.repo.checksOfCustomer(customerId, 5),
      deps.repo.hazardsFind({ customerId, status: 'open' }, 50),
      deps.repo.currentCode(customerId, now),
    ]);
    const identities = await Promise.all(held.map((p) => deps.registry.cylinderIdentity({ id: p.cylinderId })));
    return {
      realName: customer.realName,
      phone: maskPhone(customer.phone),
      ...(customer.idNumberLast4 ? { idNumber: maskIdNumber(customer.idNumberLast4) } : {}),
      address: customer.address,
      cylinders: held.map((p, i) => {
        const id = identities[i];
        return { serial: id?.serial ?? p.cylinderId, model: id?.model ?? '', since: day(p.updatedAt), ...(id ? { nextInspectionDate: day(id.nextInspectionDate) } : {}) };
      }),
      deliveries: visits.map((v) => ({
        at: local(v.occurredAt),
        handedOver: v.handOvers,
        collected: v.events.filter((e) => e.role === 'collect' && e.status !== 'rejected').length,
        confirmed: v.confirmation?.confirmed ?? false,
        method: v.confirmation?.method ?? 'none',
      })),
      checks: checks.map((c) => ({ at: day(c.occurredAt), items: SAFETY_ITEM_KEYS.map((k) => ({ name: SAFETY_ITEMS[k].zh, result: c.items[k].result })), hazards: c.hazardIds.length })),
      openHazards: hazards.map((h) => ({ name: SAFETY_ITEMS[h.item].zh, deadline: day(h.deadline) })),
      ...(code ? { code: { code: code.code, expiresAt: local(code.expiresAt).slice(11) } } : {}),
    };
  }

  /** A code asked for on the customer's own page (no worker asked; nothing is sent). */
  async function codeFromPage(customerId: string): Promise<void> {
    const customer = await deps.registry.customerContact(customerId);
    if (customer && customer.active) await issueCode(customer, false);
  }

  return { requestCode, createLink, openLink, sessionCustomer, page, codeFromPage };
}
