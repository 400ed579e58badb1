/** Runs the Amazon Pay emulator in-process on a free port and drives it with the real SDK through the adapter. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createAmazonPayClient, type AmazonPayClient } from '../../amazon-pay/client.js';
import { jpy, type ChargePermission, type CheckoutSession } from '../../amazon-pay/schemas.js';
import type { AppConfig } from '../../config/index.js';
import { loadConfig } from '../../config/index.js';
import { createEmulator, type Emulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/app.js';

export const MERCHANT_PRIVATE_KEY = readFileSync(
  new URL('../../keys/sandbox/merchant-private.pem', import.meta.url),
  'utf8',
);
export const NOTIFICATION_CERT = readFileSync(
  new URL('../../keys/sandbox/emulator-notification-cert.pem', import.meta.url),
  'utf8',
);
export const STORE_ID = 'amzn1.application-oa2-client.emulatorstore0001';

export interface TestEmulator {
  emulator: Emulator;
  running: RunningEmulator;
  url: string;
  config: AppConfig;
  client: AmazonPayClient;
  control<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestEmulator(
  options: EmulatorOptions = {},
  algorithm: AppConfig['amazonPay']['algorithm'] = 'AMZN-PAY-RSASSA-PSS-V2',
): Promise<TestEmulator> {
  const emulator = createEmulator({
    pendingAuthDelayMs: 300,
    notificationRetry: { attempts: 4, baseDelayMs: 50 },
    ...options,
  });
  const running = await emulator.start(0);
  const config = loadConfig({
    NODE_ENV: 'test',
    AMAZON_PAY_EMULATOR_URL: running.url,
    AMAZON_PAY_ALGORITHM: algorithm,
  });
  const client = createAmazonPayClient(config, { emulatorUrl: running.url, privateKey: MERCHANT_PRIVATE_KEY });
  return {
    emulator,
    running,
    url: running.url,
    config,
    client,
    async control<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
      const response = await fetch(`${running.url}/__emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    close: () => running.close(),
  };
}

/** A fresh idempotency key per call: the label (≤ 9 characters kept) and 128 random bits, ≤ 32 of [A-Za-z0-9_-]. */
export function key(label = 'k'): string {
  return `${label.slice(0, 9)}_${randomBytes(16).toString('base64url')}`;
}

export interface CheckoutOptions {
  amount: number;
  allowOvercharge?: boolean;
  instrument?: 'gift_card' | 'gift_card_and_card' | 'card';
  buyer?: string;
  cardIndex?: number;
  authorizationBehavior?: 'normal' | 'pending_then_authorized' | 'pending_then_declined';
  paymentIntent?: 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';
  canHandlePendingAuthorization?: boolean;
  simulationCode?: string;
}

/** The whole buyer journey up to (not including) completeCheckoutSession. */
export async function openConfirmedSession(t: TestEmulator, o: CheckoutOptions): Promise<CheckoutSession> {
  const created = await t.client.createCheckoutSession(
    {
      webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/review' },
      storeId: STORE_ID,
      chargePermissionType: 'OneTime',
      paymentDetails: { allowOvercharge: o.allowOvercharge ?? true },
      merchantMetadata: { merchantReferenceId: 'order-1', merchantStoreName: 'テスト商店' },
    },
    { idempotencyKey: key('create') },
  );
  const chosen = await t.control('POST', `/checkoutSessions/${created.checkoutSessionId}/buyer`, {
    buyer: o.buyer ?? 'taro',
    instrument: o.instrument ?? 'card',
    ...(o.cardIndex === undefined ? {} : { cardIndex: o.cardIndex }),
    ...(o.authorizationBehavior === undefined ? {} : { authorizationBehavior: o.authorizationBehavior }),
  });
  if (chosen.status !== 200) throw new Error(`choose buyer: ${JSON.stringify(chosen.body)}`);
  await t.client.updateCheckoutSession(created.checkoutSessionId, {
    webCheckoutDetails: { checkoutResultReturnUrl: 'http://shop.test/result' },
    paymentDetails: {
      paymentIntent: o.paymentIntent ?? 'Authorize',
      canHandlePendingAuthorization: o.canHandlePendingAuthorization ?? false,
      chargeAmount: jpy(o.amount),
      presentmentCurrency: 'JPY',
    },
  });
  const confirmed = await t.control('POST', `/checkoutSessions/${created.checkoutSessionId}/confirm`);
  if (confirmed.status !== 200) throw new Error(`confirm: ${JSON.stringify(confirmed.body)}`);
  return created;
}

/** Checkout through completion; returns the completed session and its charge permission. */
export async function completeCheckout(
  t: TestEmulator,
  o: CheckoutOptions,
): Promise<{ session: CheckoutSession; permission: ChargePermission }> {
  const created = await openConfirmedSession(t, o);
  const session = await t.client.completeCheckoutSession(
    created.checkoutSessionId,
    { chargeAmount: jpy(o.amount) },
    {
      idempotencyKey: key('complete'),
      ...(o.simulationCode === undefined ? {} : { simulationCode: o.simulationCode }),
    },
  );
  if (session.chargePermissionId === null) throw new Error('no charge permission');
  const permission = await t.client.getChargePermission(session.chargePermissionId);
  return { session, permission };
}

/** Waits until `check` passes (polling), for asynchronous deliveries. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw lastError;
}

/**
 * A request signed by the real SDK (`getSignedHeaders`), sent with fetch so a test can change it
 * after signing: another body, extra or missing headers.
 */
export async function signedRequest(
  t: TestEmulator,
  o: {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    path: string;
    payload?: unknown;
    headers?: Record<string, string>;
    client?: AmazonPayClient['sdk'];
    sendBody?: string;
    mutateHeaders?: (h: Record<string, string>) => void;
  },
): Promise<{ status: number; body: { reasonCode?: string; message?: string } & Record<string, unknown> }> {
  const options = { method: o.method, urlFragment: o.path, payload: o.payload, headers: o.headers ?? null };
  const signed = (o.client ?? t.client.sdk).getSignedHeaders(options);
  const headers = { ...signed };
  o.mutateHeaders?.(headers);
  const payload =
    typeof o.payload === 'string' ? o.payload : o.payload === undefined ? undefined : JSON.stringify(o.payload);
  const response = await fetch(`${t.url}/${options.urlFragment}`, {
    method: o.method,
    headers,
    body: o.sendBody ?? (o.method === 'GET' ? undefined : payload),
  });
  return {
    status: response.status,
    body: (await response.json()) as { reasonCode?: string } & Record<string, unknown>,
  };
}
