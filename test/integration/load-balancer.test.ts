/**
 * The API behind a load balancer that terminates TLS, as several replicas on one database:
 * - TRUST_PROXY: the client's address and https come from X-Forwarded-*; a member registered over
 *   https gets the `secure` session cookie (without it, express-session never sets it and logins
 *   silently fail), and the limit counts per client, not per balancer.
 * - The rate limit's counts are shared by the replicas (a client cannot multiply its limit by N).
 * - Secrets rotate: cookies and order tokens signed with the previous secret are still accepted.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createAmazonSignInGateway } from '../../api/members/amazon-sign-in.js';
import { orderToken } from '../../api/orders/routes.js';
import { listen, Shopper, startTestApi, type TestApi } from '../support/api.js';
import { memberForm } from '../support/members.js';

const OLD_SESSION_SECRET = 'session-secret-of-last-month-0001';
const NEW_SESSION_SECRET = 'session-secret-of-this-month-0002';
const OLD_TOKEN_SECRET = 'order-token-secret-of-last-month-01';
const NEW_TOKEN_SECRET = 'order-token-secret-of-this-month-02';

describe('behind a load balancer, as two replicas', () => {
  let first: TestApi;
  let second: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    // The first replica still runs on last month's secrets alone.
    first = await startTestApi('load_balancer', {
      worker: true,
      env: {
        TRUST_PROXY: '1',
        PUBLIC_BASE_URL: 'https://shop.example.jp',
        API_RATE_LIMIT_PER_MINUTE: '6',
        SESSION_SECRET: OLD_SESSION_SECRET,
        ORDER_TOKEN_SECRET: OLD_TOKEN_SECRET,
      },
    });
    // The second: rotated (a new secret first, the old one kept); same database and Temporal, a
    // process of its own in production.
    const app = createApp({
      temporal: first.temporal,
      database: first.database,
      log: pino({ level: 'silent' }),
      config: {
        ...first.config,
        members: { ...first.config.members, sessionSecrets: [NEW_SESSION_SECRET, OLD_SESSION_SECRET] },
        orders: { ...first.config.orders, tokenSecrets: [NEW_TOKEN_SECRET, OLD_TOKEN_SECRET] },
      },
      amazonPay: first.amazonPay,
      amazonSignIn: createAmazonSignInGateway(first.amazonPay, first.config.amazonPay),
      mailer: first.mailer,
    });
    const running = await listen(app);
    second = { url: running.url, close: () => new Promise((resolve) => running.server.close(() => resolve())) };
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const from = (client: string) => ({ 'x-forwarded-for': client, 'x-forwarded-proto': 'https' });
  const sessionCookie = (headers: Headers) => headers.getSetCookie().find((line) => line.startsWith('shop.sid='));

  it('counts one client across both replicas, and each client apart', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const url = i % 2 === 0 ? first.url : second.url;
      statuses.push((await fetch(`${url}/api/products`, { headers: from('203.0.113.7') })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    // Another buyer behind the same balancer is not limited by the first one's requests.
    expect((await fetch(`${second.url}/api/products`, { headers: from('203.0.113.8') })).status).toBe(200);
  });

  it('sets the secure session cookie over https at the balancer; a cookie of the old secret works on the rotated replica', async () => {
    const registered = await new Shopper(first.url).request(
      'POST',
      '/api/members',
      memberForm('lb-secure@example.jp'),
      from('203.0.113.20'),
    );
    expect(registered.status).toBe(201);
    const cookie = sessionCookie(registered.headers);
    expect(cookie).toMatch(/; Secure/i);
    const onRotated = await new Shopper(second.url).request('GET', '/api/auth/session', undefined, {
      ...from('203.0.113.20'),
      cookie: cookie!.split(';')[0]!,
    });
    expect(onRotated.body.member).toMatchObject({ email: 'lb-secure@example.jp' });

    // The other way round: the new secret is unknown to the replica not yet rotated.
    const signedNew = await new Shopper(second.url).request(
      'POST',
      '/api/members',
      memberForm('lb-rotated@example.jp'),
      from('203.0.113.21'),
    );
    const onOld = await new Shopper(first.url).request('GET', '/api/auth/session', undefined, {
      ...from('203.0.113.21'),
      cookie: sessionCookie(signedNew.headers)!.split(';')[0]!,
    });
    expect(onOld.body.member).toBeNull();
  });

  it('opens a guest order with a token of the old secret on the rotated replica, and not with a made-up one', async () => {
    const created = await new Shopper(first.url).request(
      'POST',
      '/api/checkouts',
      { items: [{ productId: 'tea-sencha', quantity: 1 }] },
      from('203.0.113.30'),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { orderId, orderToken: token } = created.body as { orderId: string; orderToken: string };
    expect(token).toBe(orderToken(OLD_TOKEN_SECRET, orderId));
    const read = (headers: Record<string, string>) =>
      new Shopper(second.url).request('GET', `/api/orders/${orderId}`, undefined, {
        ...from('203.0.113.30'),
        ...headers,
      });
    expect((await read({ 'x-order-token': token })).status).toBe(200);
    expect((await read({ 'x-order-token': orderToken('a-secret-nobody-configured', orderId) })).status).toBe(404);
  });
});
