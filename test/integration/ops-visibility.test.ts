/**
 * Ops visibility: the real `temporal` CLI finds orders by each search attribute; raw histories
 * hold no buyer personal data in clear text while the codec reads it; the codec server decodes only
 * for ops credentials and answers CORS only for the UI's origin; a viewer cannot act; audit rows.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orderWorkflowId } from '../../domain/ids.js';
import { getOrder } from '../../workflows/order/definitions.js';
import { opsAuthorization, Shopper, startTestApi, type TestApi } from '../support/api.js';
import { finishCheckout, startCheckout } from '../support/checkout.js';

const run = promisify(execFile);
const cli = inject('temporalCliPath');

/** What the emulator's buyer `taro` gives Amazon: none of it may sit in a history in clear text. */
const TARO = [
  '山田 太郎',
  'taro.yamada@example.jp',
  '090-1234-5678',
  '09012345678',
  '神南1-2-3',
  'サンプルマンション101',
];

let api: TestApi;
let guest: { orderId: string; total: number; chargePermissionId: string };
let member: { orderId: string; memberId: string };
const ops = (role: 'viewer' | 'operator') => opsAuthorization(api.config, role);

beforeAll(async () => {
  api = await startTestApi('ops_visibility', { worker: true });
  const guestShopper = new Shopper(api.url);
  const guestRun = await startCheckout(guestShopper, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }], {
    buyer: 'taro',
    instrument: 'gift_card',
  });
  const placed = await finishCheckout(guestShopper, api.emulatorUrl, guestRun);
  expect(placed.body.order?.status, JSON.stringify(placed.body)).toBe('Placed');
  guest = {
    orderId: guestRun.orderId,
    total: placed.body.order.totals.total,
    chargePermissionId: placed.body.order.chargePermissionId,
  };

  const memberShopper = new Shopper(api.url);
  const registered = await memberShopper.post('/api/members', {
    email: 'visibility.member@example.jp',
    password: 'member-password',
    name: '会員 二郎',
    postalCode: '150-0041',
    prefecture: '東京都',
    address: '渋谷区神南1-2-3',
    phone: '03-1234-5678',
    newsletter: false,
    extra: { birthday: '1985-05-05' },
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const memberRun = await startCheckout(memberShopper, api.emulatorUrl, [{ productId: 'kyusu', quantity: 1 }], {
    buyer: 'taro',
    instrument: 'card',
  });
  const memberPlaced = await finishCheckout(memberShopper, api.emulatorUrl, memberRun);
  expect(memberPlaced.body.order?.status, JSON.stringify(memberPlaced.body)).toBe('Placed');
  member = { orderId: memberRun.orderId, memberId: registered.body.member.memberId };
}, 180_000);
afterAll(async () => {
  await api?.close();
});

async function cliList(query: string): Promise<string[]> {
  const { stdout } = await run(cli as string, [
    'workflow',
    'list',
    '--address',
    inject('temporalAddress'),
    '--namespace',
    inject('temporalNamespace'),
    '--query',
    // Scoped to this file's task queue: other test files place orders on the same server.
    `(${query}) AND TaskQueue="${api.config.temporal.taskQueue}"`,
    '--output',
    'json',
  ]);
  return [...stdout.matchAll(/"workflowId":\s*"(order:[^"]+)"/g)].map((m) => m[1] as string);
}

/** Visibility is eventually consistent: poll until the listing shows what the workflow upserted. */
async function eventuallyListed(query: string, expected: { includes: string[]; excludes: string[] }): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await cliList(query);
    if (expected.includes.every((id) => last.includes(id)) && expected.excludes.every((id) => !last.includes(id)))
      return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  expect.fail(`query ${query} listed ${JSON.stringify(last)}; expected ${JSON.stringify(expected)}`);
}

describe.skipIf(cli === undefined)('ops visibility: the temporal CLI finds orders by each search attribute', () => {
  it('OrderStatus, PaymentMethod, OrderTotal, MemberId, IsGuest, AmazonChargePermissionId', async () => {
    const g = orderWorkflowId(guest.orderId);
    const m = orderWorkflowId(member.orderId);
    await eventuallyListed('OrderStatus="Placed" AND PaymentMethod="gift_card"', { includes: [g], excludes: [m] });
    await eventuallyListed('PaymentMethod="card"', { includes: [m], excludes: [g] });
    await eventuallyListed(`OrderTotal=${guest.total}`, { includes: [g], excludes: [m] });
    await eventuallyListed(`OrderTotal>=${guest.total + 1}`, { includes: [m], excludes: [g] });
    await eventuallyListed(`MemberId="${member.memberId}"`, { includes: [m], excludes: [g] });
    await eventuallyListed('IsGuest=true', { includes: [g], excludes: [m] });
    await eventuallyListed(`AmazonChargePermissionId="${guest.chargePermissionId}"`, { includes: [g], excludes: [m] });
  });
});

/**
 * Every payload in a history (anything with metadata and data), whatever its place in the events —
 * but search attributes, which the server must read to index (they hold no personal data).
 */
function payloadsIn(value: unknown, into: { metadata: Record<string, Uint8Array>; data: Uint8Array }[] = []) {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return into;
  const record = value as Record<string, unknown>;
  if (record['metadata'] !== undefined && record['data'] instanceof Uint8Array) into.push(record as never);
  for (const [key, child] of Object.entries(record)) if (key !== 'searchAttributes') payloadsIn(child, into);
  return into;
}

/** All text a history holds: its JSON, and every byte string read as UTF-8. */
function textOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}

describe('privacy: buyer personal data is encrypted in workflow histories', () => {
  it('a client without the codec reads a raw history with no name, e-mail, phone or address in clear text', async () => {
    const rawClient = new Client({ connection: api.temporal, namespace: api.config.temporal.namespace });
    const history = await rawClient.workflow.getHandle(orderWorkflowId(guest.orderId)).fetchHistory();
    const text = textOf(history);
    expect(text.length).toBeGreaterThan(1000);
    for (const value of TARO) expect(text, value).not.toContain(value);
    // Every payload the application wrote is encrypted. The exceptions are the SDK core's own
    // bookkeeping, which never passes through a codec and holds no buyer data: a local activity's
    // marker `data` (sequence number, attempt, activity type, time; its `result` is encrypted) and a
    // patch marker's `patch-data` (the patch id, e.g. `{"id":"order-mails","deprecated":false}`).
    const markerData = new Set<unknown>();
    for (const event of history.events ?? []) {
      const details = event.markerRecordedEventAttributes?.details ?? {};
      for (const key of ['data', 'patch-data'])
        for (const payload of details[key]?.payloads ?? []) markerData.add(payload);
    }
    const encodings = new Set(
      payloadsIn(history)
        .filter((p) => !markerData.has(p))
        .map((p) => Buffer.from(p.metadata['encoding'] ?? new Uint8Array()).toString()),
    );
    expect([...encodings]).toEqual(['binary/encrypted']);
  });

  it('the CLI (`temporal workflow show --output json`) shows no personal data either', async () => {
    if (cli === undefined) return;
    const { stdout } = await run(
      cli,
      [
        'workflow',
        'show',
        '--address',
        inject('temporalAddress'),
        '--namespace',
        inject('temporalNamespace'),
        '--workflow-id',
        orderWorkflowId(guest.orderId),
        '--output',
        'json',
      ],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    // Payload data is printed as base64 (or as JSON when readable): look at both.
    const decoded = [...stdout.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)]
      .map((m) => Buffer.from(m[1] as string, 'base64').toString('utf8'))
      .join('\n');
    for (const value of TARO) {
      expect(stdout, value).not.toContain(value);
      expect(decoded, value).not.toContain(value);
    }
  });

  it('a client with the codec reads the personal data (query, history)', async () => {
    const view = await api.client.workflow.getHandle(orderWorkflowId(guest.orderId)).query(getOrder);
    expect(JSON.stringify(view)).toContain('山田 太郎');
    expect(JSON.stringify(view)).toContain('taro.yamada@example.jp');
  });
});

describe('ops visibility: the codec server', () => {
  async function rawPayloadsJson() {
    const rawClient = new Client({ connection: api.temporal, namespace: api.config.temporal.namespace });
    const history = await rawClient.workflow.getHandle(orderWorkflowId(guest.orderId)).fetchHistory();
    return payloadsIn(history).map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data).toString('base64'),
    }));
  }
  const decode = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': api.config.temporal.namespace, ...headers },
      body: JSON.stringify(body),
    });

  it('decodes a raw history only with valid ops credentials: 401 without or with a wrong token, 200 for a viewer', async () => {
    const payloads = await rawPayloadsJson();
    const without = await decode({ payloads });
    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await decode({ payloads }, { authorization: 'Bearer not-a-real-token-at-all' })).status).toBe(401);

    const decoded = await decode({ payloads }, ops('viewer'));
    expect(decoded.status).toBe(200);
    const body = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(body.payloads).toHaveLength(payloads.length);
    const text = body.payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
    expect(text).toContain('山田 太郎');
    expect(text).toContain('taro.yamada@example.jp');
    expect(Buffer.from(body.payloads[0]?.metadata['encoding'] ?? '', 'base64').toString()).toBe('json/plain');

    // The audit row is written before the answer is sent: it is there as soon as the answer is.
    const audit = await api.database.models.Audit.findOne({ action: 'codec.decode', actor: 'viewer' }).lean();
    expect(audit).toMatchObject({ status: 200, role: 'viewer' });
  });

  it('encode then decode round-trips (the UI encodes signal and update input it sends)', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"a":1}').toString('base64'),
    };
    const encoded = await fetch(`${api.url}/codec/encode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ops('operator') },
      body: JSON.stringify({ payloads: [plain] }),
    });
    const sealed = (await encoded.json()) as { payloads: unknown[] };
    expect(JSON.stringify(sealed)).not.toContain(plain.data);
    expect((await (await decode(sealed, ops('operator'))).json()) as unknown).toEqual({ payloads: [plain] });
  });

  it('a payload that cannot be decrypted is a 422 with the one error body, never a 500', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const sealed = (keyId: string, data: string) => ({
      metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64(keyId) },
      data,
    });
    const currentKey = api.config.codec.keys[0]?.id ?? '';
    for (const payload of [
      sealed('no-such-key', b64('x'.repeat(64))),
      sealed(currentKey, b64('too short')),
      sealed(currentKey, b64('x'.repeat(64))),
      { metadata: { encoding: b64('binary/encrypted') }, data: '' },
    ]) {
      const answer = await decode({ payloads: [payload] }, ops('viewer'));
      const body = (await answer.json()) as { error: { code: string; message: string } };
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(body).toEqual({ error: { code: 'payload_undecryptable', message: expect.any(String) } });
    }
  });

  it('a staff session cookie that is not even percent-encoding is a 401, never a 500', async () => {
    for (const cookie of ['ops.sid=%E0%A4%A', 'ops.sid=%', 'ops.sid=s%3Aa.1.%zz']) {
      const answer = await decode({ payloads: [] }, { cookie });
      expect(answer.status, cookie).toBe(401);
      expect(await answer.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('answers CORS preflight only for the Temporal UI origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ui = await preflight('http://127.0.0.1:8233');
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    expect(ui.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await preflight('http://localhost:8233')).status).toBe(204);
    const evil = await preflight('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(await evil.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
    // A real request from another origin is refused too, even with a token.
    expect((await decode({ payloads: [] }, { ...ops('viewer'), origin: 'https://evil.example' })).status).toBe(403);
  });
  // Staff sign-in for the UI (login and password at /codec/login): test/integration/staff-sign-in.test.ts.
});

describe('ops API: roles and audit', () => {
  it('refuses ops calls without or with a wrong token (401, standard body)', async () => {
    const without = await fetch(`${api.url}/ops/orders`);
    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(
      (await fetch(`${api.url}/ops/orders`, { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong' } })).status,
    ).toBe(401);
  });

  it('a viewer reads but cannot act (403 on capture), and each call leaves an audit row', async () => {
    const listed = await fetch(`${api.url}/ops/orders?pageSize=5`, { headers: ops('viewer') });
    expect(listed.status).toBe(200);
    const capture = await fetch(`${api.url}/ops/orders/ORD-20260101-AAAAAAAA/capture`, {
      method: 'POST',
      headers: { ...ops('viewer'), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(capture.status).toBe(403);
    expect(await capture.json()).toMatchObject({ error: { code: 'forbidden' } });
    // The audit rows are written before the answers are sent.
    expect(
      await api.database.models.Audit.find({
        actor: 'viewer',
        path: { $in: ['/ops/orders', '/ops/orders/ORD-20260101-AAAAAAAA/capture'] },
      }).lean(),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/ops/orders', status: 200, role: 'viewer' }),
        expect.objectContaining({
          method: 'POST',
          path: '/ops/orders/ORD-20260101-AAAAAAAA/capture',
          status: 403,
          role: 'viewer',
        }),
      ]),
    );
  });
});
