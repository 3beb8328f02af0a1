import { Router, type Request, type Response } from 'express';
import { refuseCrossSite } from '../../shared/http/cross-site.guard';
import { renderView } from '../../shared/http/html.view';
import type { createCustomers, CustomerPage } from './customers.service';
import { SESSION_TTL_MS } from './customers.service';

const COOKIE = 'lpg_customer';
/** A link's token as issued (24 random bytes, base64url); anything else is no link at all. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{32}$/;
const NOT_A_LINK = '链接无效，请核对短信中的链接。This is not a valid link.';

const METHODS: Record<string, string> = { phone_last4: '手机号后四位', one_time_code: '交付码', signature: '签名', none: '未确认' };
const RESULTS: Record<string, string> = { pass: '合格', fail: '不合格', na: '不适用' };

function cookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

/** A page of the customer's own, never cached, never indexed. */
function send(res: Response, status: number, view: string, data: object): void {
  res.status(status).set('Cache-Control', 'no-store').set('X-Robots-Tag', 'noindex').type('html').send(renderView(view, data));
}

/** The words of the customer's page, Chinese (the city's language): the template only lays them out. */
export function customerPageView(page: CustomerPage): object {
  return {
    ...page,
    deliveries: page.deliveries.map((d) => ({ ...d, method: METHODS[d.method] ?? d.method, confirmedText: d.confirmed ? '已确认' : '未确认' })),
    checks: page.checks.map((c) => ({ ...c, items: c.items.map((i) => ({ ...i, resultText: RESULTS[i.result] ?? i.result })) })),
  };
}

/**
 * The customer's own page, outside /api: `/c/{token}` (the one-time link) asks for a tap before it
 * spends the link — a phone's link preview fetches it with GET — then starts a 30-minute session
 * (an HttpOnly, SameSite=Strict cookie) and goes to `/c`, the page itself, where the customer also
 * asks for a hand-over code to read out to the worker. No password; nothing but their own records.
 */
export function customerPages(customers: ReturnType<typeof createCustomers>, options: { secureCookies: boolean }): Router {
  const router = Router();
  router.post('/c{/*rest}', (req, _res, next) => {
    refuseCrossSite(req);
    next();
  });
  // Before /c/:token, which would take it for a token.
  router.post('/c/handover-code', async (req, res) => {
    const customerId = customers.sessionCustomer(cookieOf(req));
    if (!customerId) {
      send(res, 401, 'customer-link', { message: '会话已结束，请重新打开链接。The session has ended.' });
      return;
    }
    await customers.codeFromPage(customerId);
    res.redirect(303, '/c');
  });
  router.get('/c/:token', (req, res) => {
    if (!LINK_TOKEN.test(req.params.token)) return void send(res, 404, 'customer-link', { message: NOT_A_LINK });
    send(res, 200, 'customer-link', { action: `/c/${encodeURIComponent(req.params.token)}`, message: '这是您的专属查询链接，仅可打开一次。' });
  });
  router.post('/c/:token', async (req, res) => {
    if (!LINK_TOKEN.test(req.params.token)) return void send(res, 404, 'customer-link', { message: NOT_A_LINK });
    const session = await customers.openLink(req.params.token);
    if (!session) {
      send(res, 410, 'customer-link', { message: '此链接已使用或已过期，请联系燃气企业重新发送。This link was used or has expired.' });
      return;
    }
    res.cookie(COOKIE, session, { httpOnly: true, sameSite: 'strict', secure: options.secureCookies, path: '/c', maxAge: SESSION_TTL_MS });
    res.redirect(303, '/c');
  });
  router.get('/c', async (req, res) => {
    const customerId = customers.sessionCustomer(cookieOf(req));
    const page = customerId ? await customers.page(customerId) : undefined;
    if (!page) {
      send(res, 401, 'customer-link', { message: '请通过燃气企业发送的链接打开本页面。Open this page through the link you were sent.' });
      return;
    }
    send(res, 200, 'customer', customerPageView(page));
  });
  return router;
}
