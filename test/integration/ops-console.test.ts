/**
 * The ops console's server side without a browser: its pages (受注一覧, 受注詳細, 会員検索, 会員詳細, 照合)
 * only for a signed-in staff member (a redirect to the sign-in page otherwise), the order list's
 * filters (payment method, charge permission id, ordering days in Japan time), an order's audit rows,
 * and one member for 会員詳細 (as stored, L7; points; the member's orders; 400/404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsMemberDetailResponse } from '../../api/responses.js';
import { createMemberRepository } from '../../db/members.js';
import { orderListKeys, type OrderDoc } from '../../db/models/order.js';
import { ORDER_COUNT_CAP } from '../../db/order-list.js';
import {
  INVALID_MEMBER_ID_MESSAGE,
  INVALID_ORDER_ID_MESSAGE,
  MEMBER_NOT_FOUND_MESSAGE,
} from '../../domain/messages.js';
import { opsAuthorization, startTestApi, type TestApi } from '../support/api.js';
import { addStaff } from '../support/staff.js';

let api: TestApi;
const viewer = () => opsAuthorization(api.config, 'viewer');

/** A read-model row as the workflow saves it, reduced to what the list reads. */
function row(orderId: string, fields: Partial<OrderDoc>): OrderDoc {
  const createdAt = fields.createdAt ?? new Date('2026-11-20T03:00:00Z');
  const listed = { createdAt, status: fields.status ?? 'Placed', paymentMethod: fields.paymentMethod ?? 'card' };
  return {
    ...orderListKeys(listed),
    _id: orderId,
    orderId,
    version: 1,
    status: 'Placed',
    memberId: null,
    isGuest: true,
    chargePermissionId: null,
    paymentMethod: 'card',
    total: 3_000,
    createdAt,
    updatedAt: createdAt,
    updatedDay: createdAt.toISOString().slice(0, 10),
    view: { orderId, status: fields.status ?? 'Placed' },
    ...fields,
  };
}

beforeAll(async () => {
  api = await startTestApi('ops_console');
  await api.database.models.Order.insertMany([
    // 2026-11-30 23:30 JST is still the 30th in Japan (14:30 UTC).
    row('ORD-20261130-CNSAAAA1', {
      paymentMethod: 'gift_card',
      chargePermissionId: 'P03-CONSOLE-0001',
      createdAt: new Date('2026-11-30T14:30:00Z'),
    }),
    // 2026-12-01 00:30 JST is the 1st in Japan, though still the 30th in UTC.
    row('ORD-20261201-CNSAAAA2', {
      paymentMethod: 'card',
      chargePermissionId: 'P03-CONSOLE-0002',
      createdAt: new Date('2026-11-30T15:30:00Z'),
    }),
    row('ORD-20261202-CNSAAAA3', {
      status: 'Captured',
      paymentMethod: 'gift_card_and_card',
      chargePermissionId: 'P03-CONSOLE-0003',
      createdAt: new Date('2026-12-02T01:00:00Z'),
    }),
  ]);
});
afterAll(async () => {
  await api?.close();
});

const listed = async (query: string): Promise<string[]> => {
  const response = await fetch(`${api.url}/ops/orders?${query}`, { headers: viewer() });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { orders: { orderId: string }[] };
  return body.orders.map((order) => order.orderId);
};

describe('ops console', () => {
  it('a page of a malformed order or member id is a 400 with the message, signed in or not (no sign-in round trip)', async () => {
    for (const [page, message] of [
      ['/ops/order/%C2%84', INVALID_ORDER_ID_MESSAGE],
      ['/ops/order/ORD-1', INVALID_ORDER_ID_MESSAGE],
      ['/ops/member/%C2%84', INVALID_MEMBER_ID_MESSAGE],
    ] as const) {
      for (const headers of [{}, viewer()]) {
        const response = await fetch(`${api.url}${page}`, { redirect: 'manual', headers });
        expect(response.status, page).toBe(400);
        expect(((await response.json()) as { error: { message: string } }).error.message).toBe(message);
      }
    }
  });

  it('ordering days must be calendar days (400), and a from before the list reaches lists what there is', async () => {
    for (const day of ['0000-00-00', '2026-02-30', '2026-13-01']) {
      const response = await fetch(`${api.url}/ops/orders?from=${day}`, { headers: viewer() });
      expect(response.status, day).toBe(400);
    }
    expect(await listed('from=1900-01-01&to=2026-11-30')).toEqual(['ORD-20261130-CNSAAAA1']);
  });

  it('the pages send anyone not signed in to /ops/login with the way back', async () => {
    for (const page of [
      '/ops/?status=Placed',
      '/ops/order/ORD-20261130-CNSAAAA1',
      '/ops/member-search?idLink=amazon&q=%E4%BD%90%E8%97%A4',
      '/ops/member/M-ORD-20261130-CNSAAAA1',
      '/ops/reconcile?run=x',
    ]) {
      const response = await fetch(`${api.url}${page}`, { redirect: 'manual' });
      expect(response.status, page).toBe(303);
      expect(response.headers.get('location')).toBe(`/ops/login?next=${encodeURIComponent(page)}`);
    }
    // A bearer token is for machines: it does not open the pages.
    for (const page of ['/ops/', '/ops/reconcile']) {
      const withToken = await fetch(`${api.url}${page}`, { redirect: 'manual', headers: viewer() });
      expect(withToken.status, page).toBe(303);
    }
  });

  it('the pages are served to a signed-in staff member, a viewer too, never cached', async () => {
    await addStaff(api.database, {
      login: 'console-viewer',
      name: '閲覧 太郎',
      role: 'viewer',
      password: 'viewer correct horse',
    });
    const signIn = await fetch(`${api.url}/ops/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'console-viewer', password: 'viewer correct horse' }),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    const pages = {
      '/ops/': '<title>受注一覧 | 管理画面</title>',
      '/ops/order/ORD-20261130-CNSAAAA1': '<title>受注詳細 | 管理画面</title>',
      '/ops/member-search?idLink=amazon': '<title>会員検索 | 管理画面</title>',
      '/ops/member/M-ORD-20261130-CNSAAAA1': '<title>会員詳細 | 管理画面</title>',
      '/ops/reconcile': '<title>照合 | 管理画面</title>',
    };
    for (const [page, title] of Object.entries(pages)) {
      const response = await fetch(`${api.url}${page}`, { redirect: 'manual', headers: { cookie } });
      expect(response.status, page).toBe(200);
      expect(response.headers.get('content-type'), page).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control'), page).toBe('no-store');
      expect(await response.text(), page).toContain(title);
    }
  });

  it('the list filters by payment method (gift card only), charge permission id and status', async () => {
    expect(await listed('paymentMethod=gift_card')).toEqual(['ORD-20261130-CNSAAAA1']);
    expect(await listed('chargePermissionId=P03-CONSOLE-0002')).toEqual(['ORD-20261201-CNSAAAA2']);
    expect(await listed('status=Captured')).toEqual(['ORD-20261202-CNSAAAA3']);
    expect((await fetch(`${api.url}/ops/orders?paymentMethod=cash`, { headers: viewer() })).status).toBe(400);
  });

  it('ordering days are Japan days, both ends included, newest first', async () => {
    expect(await listed('from=2026-12-01')).toEqual(['ORD-20261202-CNSAAAA3', 'ORD-20261201-CNSAAAA2']);
    expect(await listed('to=2026-11-30')).toEqual(['ORD-20261130-CNSAAAA1']);
    expect(await listed('from=2026-12-01&to=2026-12-01')).toEqual(['ORD-20261201-CNSAAAA2']);
    expect((await fetch(`${api.url}/ops/orders?from=1.12.2026`, { headers: viewer() })).status).toBe(400);
  });

  it('pages follow the cursor of the previous page, newest first, to the last', async () => {
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 5; page += 1) {
      const response = await fetch(`${api.url}/ops/orders?pageSize=1${after}`, { headers: viewer() });
      const body = (await response.json()) as { next: string | null; orders: { orderId: string }[] };
      seen.push(...body.orders.map((order) => order.orderId));
      if (body.next === null) break;
      after = `&after=${encodeURIComponent(body.next)}`;
    }
    expect(seen).toEqual(['ORD-20261202-CNSAAAA3', 'ORD-20261201-CNSAAAA2', 'ORD-20261130-CNSAAAA1']);
    expect(await (await fetch(`${api.url}/ops/orders/count`, { headers: viewer() })).json()).toEqual({
      total: 3,
      totalExact: true,
    });
    expect((await fetch(`${api.url}/ops/orders?after=123.not-an-order`, { headers: viewer() })).status).toBe(400);
    // The count takes the filters, not the page.
    expect((await fetch(`${api.url}/ops/orders/count?pageSize=1`, { headers: viewer() })).status).toBe(400);
    expect((await fetch(`${api.url}/ops/orders/count?from=1.12.2026`, { headers: viewer() })).status).toBe(400);
  });

  it('a member with a status; a count past the cap says there are at least that many', async () => {
    const many = Array.from({ length: ORDER_COUNT_CAP + 1 }, (_, i) =>
      row(`ORD-20251101-M${String(i).padStart(7, '0')}`, {
        memberId: i % 2 === 0 ? 'M-CONSOLE-MANY' : null,
        status: i % 4 === 0 ? 'Captured' : 'Placed',
        createdAt: new Date(Date.UTC(2025, 10, 1, 0, 0, i)),
      }),
    );
    await api.database.models.Order.insertMany(many, { lean: true });
    const get = async (path: string) =>
      (await (await fetch(`${api.url}${path}`, { headers: viewer() })).json()) as unknown;
    const captured = (await get('/ops/orders?memberId=M-CONSOLE-MANY&status=Captured&pageSize=200')) as {
      orders: { orderId: string }[];
    };
    expect(captured.orders).toHaveLength(200);
    expect(captured.orders[0]?.orderId).toBe(`ORD-20251101-M${String(ORDER_COUNT_CAP).padStart(7, '0')}`);
    expect(await get('/ops/orders/count?memberId=M-CONSOLE-MANY&status=Captured')).toEqual({
      total: 251,
      totalExact: true,
    });
    expect(await get('/ops/orders/count?from=2025-11-01&to=2025-11-01')).toEqual({
      total: ORDER_COUNT_CAP,
      totalExact: false,
    });
    expect(await get('/ops/orders/count?from=2025-11-01&to=2025-11-01&status=Captured')).toEqual({
      total: 251,
      totalExact: true,
    });
  });

  it("an order's audit rows: its ops actions only, newest first", async () => {
    const base = { role: 'operator', method: 'POST', status: 200, before: null, after: null, via: 'staff' as const };
    await api.database.models.Audit.insertMany([
      {
        ...base,
        at: new Date('2026-12-02T01:10:00Z'),
        actor: 'hanako',
        action: 'order.capture',
        path: '/x',
        target: 'ORD-20261202-CNSAAAA3',
      },
      {
        ...base,
        at: new Date('2026-12-02T01:20:00Z'),
        actor: 'hanako',
        action: 'order.refund',
        path: '/x',
        target: 'ORD-20261202-CNSAAAA3',
      },
      {
        ...base,
        at: new Date('2026-12-02T01:30:00Z'),
        actor: 'taro',
        action: 'order.cancel',
        path: '/x',
        target: 'ORD-20261130-CNSAAAA1',
      },
    ]);
    const response = await fetch(`${api.url}/ops/orders/ORD-20261202-CNSAAAA3/audit`, { headers: viewer() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { audit: { action: string; actor: string; via: string }[] };
    expect(body.audit.map((entry) => entry.action)).toEqual(['order.refund', 'order.capture']);
    expect(body.audit[0]).toMatchObject({ actor: 'hanako', via: 'staff', at: '2026-12-02T01:20:00.000Z' });
  });
});

describe('ops: one member for 会員詳細 (GET /ops/members/:memberId)', () => {
  const member = (memberId: string) => fetch(`${api.url}/ops/members/${memberId}`, { headers: viewer() });

  it('L7: a member registered at purchase is answered as stored, registration time = link time, with points and orders', async () => {
    const members = createMemberRepository(api.database.models);
    const registered = await members.register({
      memberId: 'M-ORD-20261130-CNSAAAA1',
      email: 'console.member@example.jp',
      name: '会員 一郎',
      postalCode: '1500041',
      prefecture: '東京都',
      address: '渋谷区神南1-2-3',
      phone: '0312345678',
      passwordHash: null,
      newsletter: true,
      mobileMail: null,
      extra: {},
      registeredVia: 'amazon_pay_checkout',
      amazonBuyerId: 'amzn1.account.CONSOLE-MEMBER',
    });
    await api.database.models.Order.insertMany([
      row('ORD-20261203-CNSAAAB1', { memberId: registered.memberId, createdAt: new Date('2026-12-03T01:00:00Z') }),
      row('ORD-20261204-CNSAAAB2', { memberId: registered.memberId, createdAt: new Date('2026-12-04T01:00:00Z') }),
    ]);

    const response = await member(registered.memberId);
    expect(response.status).toBe(200);
    const { orders, ...rest } = (await response.json()) as { orders: { orderId: string }[] };
    // The answer's own parts are held against the document; the orders here are reduced read-model rows.
    const body = opsMemberDetailResponse.omit({ orders: true }).parse(rest);
    expect(body.member).toMatchObject({
      memberId: 'M-ORD-20261130-CNSAAAA1',
      email: 'console.member@example.jp',
      registeredVia: 'amazon_pay_checkout',
      amazonLinked: true,
      hasPassword: false,
      registeredAt: registered.registeredAt.toISOString(),
    });
    expect(body.member.amazonLinkedAt).toBe(body.member.registeredAt);
    expect(body.member.extra.map((field) => field.key)).toEqual(api.config.members.extraFields.map((f) => f.key));
    // No point account started yet: zero, not an error.
    expect(body.points).toEqual({ balance: 0, reserved: 0, available: 0, pending: 0 });
    // Only this member's orders, newest first.
    expect(body.ordersTotal).toBe(2);
    expect(orders.map((order) => order.orderId)).toEqual(['ORD-20261204-CNSAAAB2', 'ORD-20261203-CNSAAAB1']);
  });

  it('an unknown member id is a 404 member_not_found; a malformed one a 400', async () => {
    const unknown = await member('M0000000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'member_not_found', message: MEMBER_NOT_FOUND_MESSAGE } });
    for (const malformed of ['bad%20id', 'M'.repeat(65), '-M1', '%E4%BC%9A%E5%93%A1']) {
      const response = await member(malformed);
      expect(response.status, malformed).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe(INVALID_MEMBER_ID_MESSAGE);
    }
    // The CSV routes beside it are still themselves.
    expect((await fetch(`${api.url}/ops/members/bulk.csv`, { headers: viewer() })).status).toBe(200);
    expect((await fetch(`${api.url}/ops/members/M0000000000000000`)).status).toBe(401);
  });
});
