/**
 * HTTP hardening: every storefront and ops route hit with bad input (malformed JSON, oversize
 * body, wrong types, unknown fields, injection strings) answers 4xx with the one error body and writes
 * nothing; 404/405/413/429 share the shape; security headers, metrics, OpenAPI docs, redacted logs.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../config/logger.js';
import { loadConfig } from '../../config/index.js';
import { orderWorkflowId } from '../../domain/ids.js';
import { getOrder } from '../../workflows/order/definitions.js';
import { opsAuthorization, Shopper, startTestApi, type TestApi } from '../support/api.js';
import { startCheckout, type CheckoutRun } from '../support/checkout.js';

let api: TestApi;
let member: Shopper;
let run: CheckoutRun;

beforeAll(async () => {
  api = await startTestApi('http_hardening', { worker: true });
  member = new Shopper(api.url);
  const registered = await member.post('/api/members', {
    email: 'hardening.member@example.jp',
    password: 'member-password',
    name: '会員 三郎',
    postalCode: '150-0041',
    prefecture: '東京都',
    address: '渋谷区神南1-2-3',
    phone: '03-1234-5678',
    newsletter: false,
    extra: { birthday: '1990-01-01' },
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  run = await startCheckout(new Shopper(api.url), api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }]);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

/** The one error body: `{ error: { code, message, details? } }`, no stack trace anywhere. */
function expectErrorBody(body: unknown, context: string) {
  expect(body, context).toEqual({
    error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
  });
  expect(
    Object.keys((body as { error: object }).error).every((key) => ['code', 'message', 'details'].includes(key)),
    context,
  ).toBe(true);
  expect(JSON.stringify(body), context).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules/);
}

/** Document counts of every collection but the audit trail (refused ops calls are audited on purpose). */
async function counts(): Promise<Record<string, number>> {
  const db = api.database.connection.db;
  if (db === undefined) throw new Error('no database');
  const names = (await db.listCollections().toArray()).map((c) => c.name).filter((name) => name !== 'ops_audit');
  return Object.fromEntries(
    await Promise.all(names.sort().map(async (name) => [name, await db.collection(name).countDocuments()] as const)),
  );
}

interface RouteCase {
  method: 'POST' | 'PUT';
  path: (orderId?: string) => string;
  valid: Record<string, unknown>;
  wrongTypes: unknown;
  injection: unknown;
  headers?: () => Record<string, string>;
}

const operator = () => opsAuthorization(api.config, 'operator');
const viewer = () => opsAuthorization(api.config, 'viewer');
const OPS_ORDER = '/ops/orders/ORD-20260101-AAAAAAAA';

const routes: RouteCase[] = [
  {
    method: 'POST',
    path: () => '/api/checkouts',
    valid: { items: [{ productId: 'tea-sencha', quantity: 1 }] },
    wrongTypes: { items: 'tea-sencha' },
    injection: { items: [{ productId: { $gt: '' }, quantity: 1 }] },
  },
  {
    method: 'POST',
    path: (id = run.orderId) => `/api/orders/${id}/amazon-return`,
    valid: { amazonCheckoutSessionId: '00000000-0000-4000-8000-000000000000' },
    wrongTypes: { amazonCheckoutSessionId: 42 },
    injection: { amazonCheckoutSessionId: { $gt: '' } },
    headers: () => run.headers,
  },
  {
    method: 'PUT',
    path: (id = run.orderId) => `/api/orders/${id}/procedure`,
    valid: {},
    wrongTypes: { orderer: 'me' },
    injection: { orderer: { $gt: '' } },
    headers: () => run.headers,
  },
  {
    method: 'POST',
    path: (id = run.orderId) => `/api/orders/${id}/confirm`,
    valid: {},
    wrongTypes: [],
    injection: { $where: 'sleep(1000)' },
    headers: () => run.headers,
  },
  {
    method: 'POST',
    path: (id = run.orderId) => `/api/orders/${id}/complete`,
    valid: {},
    wrongTypes: [],
    injection: { $gt: '' },
    headers: () => run.headers,
  },
  {
    method: 'POST',
    path: () => '/api/members',
    valid: {
      email: 'new.member@example.jp',
      password: 'member-password',
      name: '新規 会員',
      newsletter: false,
      extra: { birthday: '1990-01-01' },
    },
    wrongTypes: { email: 7, password: true, name: [], newsletter: 'yes' },
    injection: { email: { $gt: '' }, password: { $gt: '' }, name: 'x', newsletter: false },
  },
  {
    method: 'POST',
    path: () => '/api/auth/login',
    valid: { email: 'hardening.member@example.jp', password: 'member-password' },
    wrongTypes: { email: 1, password: 2 },
    injection: { email: { $gt: '' }, password: { $ne: null } },
  },
  { method: 'POST', path: () => '/api/auth/logout', valid: {}, wrongTypes: [], injection: { $gt: '' } },
  {
    method: 'POST',
    path: () => '/api/auth/amazon/sign-in',
    valid: { buyerToken: 'token' },
    wrongTypes: { buyerToken: 5 },
    injection: { buyerToken: { $gt: '' } },
  },
  {
    method: 'POST',
    path: () => '/api/auth/amazon/register',
    valid: { newsletter: true },
    wrongTypes: { newsletter: 'yes' },
    injection: { newsletter: { $gt: '' } },
  },
  {
    method: 'POST',
    path: () => '/api/members/me/additional-information',
    valid: { extra: { occupation: '会社員' } },
    wrongTypes: { extra: 'x' },
    injection: { extra: { $gt: '' } },
  },
  {
    method: 'POST',
    path: () => '/api/members/me/password',
    valid: { newPassword: 'another-password' },
    wrongTypes: { newPassword: 12345678 },
    injection: { currentPassword: { $gt: '' }, newPassword: { $gt: '' } },
  },
  {
    method: 'POST',
    path: () => '/api/auth/password-reset',
    valid: { email: 'hardening.member@example.jp' },
    wrongTypes: { email: 1 },
    injection: { email: { $gt: '' } },
  },
  {
    method: 'POST',
    path: () => '/api/auth/password-reset/confirm',
    valid: { token: 'x'.repeat(40), newPassword: 'another-password' },
    wrongTypes: { token: 1, newPassword: 2 },
    injection: { token: { $gt: '' }, newPassword: 'another-password' },
  },
  {
    method: 'POST',
    path: () => `${OPS_ORDER}/amount`,
    valid: { amount: 1000 },
    wrongTypes: { amount: '1000' },
    injection: { amount: { $gt: 0 } },
    headers: operator,
  },
  {
    method: 'POST',
    path: () => `${OPS_ORDER}/capture`,
    valid: {},
    wrongTypes: { amount: 'all' },
    injection: { amount: { $gt: 0 } },
    headers: operator,
  },
  {
    method: 'POST',
    path: () => `${OPS_ORDER}/cancel`,
    valid: { reason: '在庫切れ' },
    wrongTypes: { reason: 1 },
    injection: { reason: { $gt: '' } },
    headers: operator,
  },
  {
    method: 'POST',
    path: () => `${OPS_ORDER}/refund`,
    valid: { amount: 100 },
    wrongTypes: { amount: [] },
    injection: { amount: { $gt: 0 } },
    headers: operator,
  },
  {
    method: 'POST',
    path: () => '/codec/decode',
    valid: { payloads: [] },
    wrongTypes: { payloads: 'x' },
    injection: { payloads: { $gt: '' } },
    headers: viewer,
  },
];

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;

describe('HTTP hardening: every route refuses bad input with the standard error body and writes nothing', () => {
  it.each(routes.map((route) => [`${route.method} ${route.path(':orderId')}`, route] as const))(
    '%s',
    async (_name, route) => {
      const before = await counts();
      const orderBefore = await api.client.workflow.getHandle(orderWorkflowId(run.orderId)).query(getOrder);
      const send = (body: string) =>
        member.request(route.method, route.path(), body, { 'content-type': 'application/json', ...route.headers?.() });

      const malformed = await send('{"items": [');
      expect(malformed.status, 'malformed JSON').toBe(400);
      expectErrorBody(malformed.body, 'malformed JSON');
      // The codec server takes history pages (8 MB); the others 100 kB.
      const oversize = await send(
        JSON.stringify({ ...route.valid, pad: 'x'.repeat(route.path().startsWith('/codec') ? 9_000_000 : 120_000) }),
      );
      expect(oversize.status, 'oversize body').toBe(413);
      expectErrorBody(oversize.body, 'oversize body');
      for (const [what, body] of [
        ['wrong types', route.wrongTypes],
        ['unknown fields', { ...route.valid, isAdmin: true }],
        ['injection', route.injection],
      ] as const) {
        const answer = await send(JSON.stringify(body));
        expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
        expectErrorBody(answer.body, what);
        // Messages are Japanese, zod's own included (wrong types, unknown keys).
        expect(answer.body.error.message, `${what}: ${JSON.stringify(answer.body)}`).toMatch(JAPANESE);
      }

      expect(await counts()).toEqual(before);
      const orderAfter = await api.client.workflow.getHandle(orderWorkflowId(run.orderId)).query(getOrder);
      expect(orderAfter.version).toBe(orderBefore.version);
    },
  );

  it.each([
    ['/ops/members', 'idLink=amazon'],
    ['/ops/orders', 'status=Placed'],
    ['/ops/members/export.csv', 'encoding=utf-8'],
    ['/ops/members/bulk.csv', 'encoding=utf-8'],
  ])('GET %s: unknown, wrongly typed and injected query parameters are refused', async (path, valid) => {
    const before = await counts();
    for (const query of [
      `${valid}&isAdmin=1`,
      'page=abc&encoding=ebcdic&idLink=facebook',
      'q[$gt]=&status[$ne]=x&encoding[$gt]=',
    ]) {
      const answer = await fetch(`${api.url}${path}?${query}`, { headers: viewer() });
      expect(answer.status, `${path}?${query}`).toBe(400);
      expectErrorBody(await answer.json(), `${path}?${query}`);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('HTTP hardening: one error shape for 404, 405, 413 and 429; security headers', () => {
  it('404 and 405 (with Allow) answer the standard body', async () => {
    const missing = await fetch(`${api.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expectErrorBody(await missing.json(), '404');
    const wrongMethod = await fetch(`${api.url}/api/checkouts`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(await wrongMethod.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    const getOnPost = await fetch(`${api.url}/api/orders/${run.orderId}/confirm`);
    expect(getOnPost.status).toBe(405);
  });

  it('429 after the per-IP storefront limit, with the standard body; notifications and health are not limited', async () => {
    const limited = await startTestApi('http_rate_limit', { env: { API_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${limited.url}/api/products`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await fetch(`${limited.url}/api/products`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('ratelimit-policy')).toMatch(/q=3/);
      expectErrorBody(await refused.json(), '429');
      expect(
        (await fetch(`${limited.url}/api/amazon-pay/notifications`, { method: 'POST', body: 'x' })).status,
      ).not.toBe(429);
      expect((await fetch(`${limited.url}/healthz`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('helmet: same-origin CSP for the storefront pages, nosniff, frame denial, no x-powered-by', async () => {
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-powered-by')).toBeNull();
  });
});

describe('operability: metrics, OpenAPI document and docs page', () => {
  it('/metrics needs an ops credential and shows API latency by route and process metrics', async () => {
    await fetch(`${api.url}/api/products`);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${api.url}/metrics`, { headers: viewer() });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/products",status_code="200"\}/,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    // Ids never become label values.
    expect(text).not.toContain(run.orderId);
  });

  it('/openapi.json is generated from the zod schemas; /docs serves Swagger UI from the API origin', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<string, { schema: { additionalProperties?: boolean; properties?: object } }>;
            };
          }
        >
      >;
    };
    expect(document.openapi).toBe('3.1.0');
    const checkout = document.paths['/api/checkouts']?.['post']?.requestBody?.content['application/json']?.schema;
    expect(checkout).toMatchObject({ additionalProperties: false, properties: { items: expect.any(Object) } });
    expect(document.paths['/ops/orders/{orderId}/capture']?.['post']).toBeDefined();
    expect(document.paths['/codec/decode']?.['post']).toBeDefined();

    const docs = await fetch(`${api.url}/docs`);
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${api.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  });
});

describe('privacy: request logs redact personal data and credentials', () => {
  it('a logged request with an authorization header, cookies, an order token and personal fields shows [Redacted]', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const log = createLogger(loadConfig({ LOG_LEVEL: 'info' }), 'api', sink);
    const logged = await startTestApi('http_logs', { deps: { log } });
    try {
      await fetch(`${logged.url}/api/orders/ORD-20260101-BBBBBBBB?token=secret-order-token-in-query`, {
        headers: {
          authorization: 'Bearer secret-bearer-value',
          cookie: 'shop.sid=secret-cookie-value',
          'x-order-token': 'secret-order-token-header',
        },
      });
      log.info(
        {
          buyer: { name: '山田 太郎', email: 'taro.yamada@example.jp', phoneNumber: '090-1234-5678' },
          orderer: { name: '山田 太郎', phone: '09012345678', address: '神南1-2-3', postalCode: '150-0041' },
          shippingAddress: { addressLine1: '神南1-2-3' },
          mail: { to: 'taro.yamada@example.jp', subject: 'パスワード再設定のご案内' },
          form: { password: 'member-password', newPassword: 'another-password' },
          product: { name: '静岡煎茶 100g' },
        },
        'an event with personal data',
      );
    } finally {
      await logged.close();
    }
    const text = lines.join('');
    expect(text).toContain('"url":"/api/orders/ORD-20260101-BBBBBBBB?token=[Redacted]"');
    expect(text).toContain('"authorization":"[Redacted]"');
    expect(text).toContain('"cookie":"[Redacted]"');
    expect(text).toContain('"x-order-token":"[Redacted]"');
    for (const secret of [
      'secret-bearer-value',
      'secret-cookie-value',
      'secret-order-token',
      '山田 太郎',
      'taro.yamada@example.jp',
      '090-1234-5678',
      '09012345678',
      '神南1-2-3',
      '150-0041',
      'member-password',
      'another-password',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    // Not a person's name: kept.
    expect(text).toContain('静岡煎茶 100g');
  });
});
