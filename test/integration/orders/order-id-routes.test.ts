/**
 * An `{orderId}` in a URL is checked with the one order-id rule of
 * `domain/ids.ts` (Crockford base32: no I, L, O, U). An id of the right length and shape with one of
 * those letters is no order id: every order route, storefront and ops, answers it with a 4xx in the
 * one error shape and a Japanese message — never a 500 from deeper in (the workflow id refuses it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderToken } from '../../../api/orders/routes.js';
import { isOrderId } from '../../../domain/ids.js';
import { INVALID_ORDER_ID_MESSAGE, ORDER_NOT_FOUND_MESSAGE } from '../../../domain/messages.js';
import { opsAuthorization, startTestApi, type TestApi } from '../../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('order_id_routes');
});
afterAll(async () => {
  await api?.close();
});

/** The old routes' pattern `^ORD-\d{8}-[0-9A-Z]{8}$` takes these; `domain/ids.ts` does not. */
const NOT_BASE32 = ['ORD-20260101-AAAAAAAI', 'ORD-20260101-LLLLLLLL', 'ORD-20260101-0000000O', 'ORD-20260101-UUUUUUUU'];

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT';
  path: (orderId: string) => string;
  /** A body the route accepts, so only the id can be refused. */
  body?: unknown;
  headers: (orderId: string) => Record<string, string>;
}

const buyer = (orderId: string) => ({ 'x-order-token': orderToken(api.config.orders.tokenSecrets[0]!, orderId) });
const operator = () => opsAuthorization(api.config, 'operator');

const routes: RouteCase[] = [
  { method: 'GET', path: (id) => `/api/orders/${id}`, headers: buyer },
  {
    method: 'POST',
    path: (id) => `/api/orders/${id}/amazon-return`,
    body: { amazonCheckoutSessionId: '00000000-0000-4000-8000-000000000000' },
    headers: buyer,
  },
  { method: 'PUT', path: (id) => `/api/orders/${id}/procedure`, body: {}, headers: buyer },
  { method: 'POST', path: (id) => `/api/orders/${id}/confirm`, body: {}, headers: buyer },
  { method: 'POST', path: (id) => `/api/orders/${id}/complete`, body: {}, headers: buyer },
  { method: 'GET', path: (id) => `/ops/orders/${id}`, headers: operator },
  { method: 'POST', path: (id) => `/ops/orders/${id}/amount`, body: { amount: 1000 }, headers: operator },
  { method: 'POST', path: (id) => `/ops/orders/${id}/capture`, body: {}, headers: operator },
  { method: 'POST', path: (id) => `/ops/orders/${id}/cancel`, body: { reason: '在庫切れ' }, headers: operator },
  { method: 'POST', path: (id) => `/ops/orders/${id}/refund`, body: { amount: 100 }, headers: operator },
];

async function send(route: RouteCase, orderId: string, headers: Record<string, string>) {
  const response = await fetch(`${api.url}${route.path(orderId)}`, {
    method: route.method,
    headers: { ...(route.body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code?: unknown; message?: unknown } },
  };
}

describe('order ids: ids outside Crockford base32 are refused on every order route', () => {
  it('the ids tried here are shaped like order ids but are not ones', () => {
    for (const id of NOT_BASE32) expect(isOrderId(id), id).toBe(false);
  });

  it.each(routes.map((route) => [`${route.method} ${route.path('{orderId}')}`, route] as const))(
    '%s: 4xx with the error shape and a Japanese message, with and without the buyer token or ops token',
    async (_name, route) => {
      for (const orderId of NOT_BASE32) {
        for (const [who, headers] of [
          ['with credentials', route.headers(orderId)],
          ['as a stranger', route.path(orderId).startsWith('/ops/') ? operator() : {}],
        ] as const) {
          const answer = await send(route, orderId, headers);
          const context = `${orderId} ${who}: ${answer.status} ${JSON.stringify(answer.body)}`;
          expect(answer.status, context).toBeGreaterThanOrEqual(400);
          expect(answer.status, context).toBeLessThan(500);
          expect(answer.body, context).toEqual({
            error: expect.objectContaining({ code: expect.any(String), message: expect.stringMatching(JAPANESE) }),
          });
        }
      }
      // With the credentials for that id, what is refused is the id itself.
      const answer = await send(route, NOT_BASE32[0] as string, route.headers(NOT_BASE32[0] as string));
      expect(answer).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_request', message: INVALID_ORDER_ID_MESSAGE } },
      });
    },
  );

  it.each(routes.map((route) => [`${route.method} ${route.path('{orderId}')}`, route] as const))(
    '%s: a well-formed id of no order is 404 order_not_found, in Japanese like the other refusals',
    async (_name, route) => {
      const answer = await send(route, 'ORD-20260101-AAAAAAAA', route.headers('ORD-20260101-AAAAAAAA'));
      expect(answer, JSON.stringify(answer.body)).toMatchObject({
        status: 404,
        body: { error: { code: 'order_not_found', message: ORDER_NOT_FOUND_MESSAGE } },
      });
    },
  );
});
