/**
 * What the buyer does, step by step, through HTTP: the storefront's calls to the API and the buyer's
 * actions on Amazon's pages (the emulator's control API does what a browser would click).
 */
import { expect } from 'vitest';
import type { OrdererInput, OrderProcedureInput } from '../../domain/order-procedure.js';
import type { Shopper } from './api.js';

export interface AmazonChoice {
  buyer?: string;
  addressIndex?: number;
  additionalAddressIndexes?: number[];
  instrument?: 'gift_card' | 'gift_card_and_card' | 'card';
  cardIndex?: number;
  authorizationBehavior?: 'normal' | 'pending_then_authorized' | 'pending_then_declined';
}

async function emulatorPost(emulatorUrl: string, path: string, body: unknown = {}) {
  const response = await fetch(`${emulatorUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The Amazon Pay button: the emulator's hosted page creates the checkout session from the signed payload. */
async function clickAmazonPayButton(redirectUrl: string): Promise<string> {
  const response = await fetch(redirectUrl, { redirect: 'manual' });
  expect(response.status).toBe(303);
  const sessionId = /\/checkout\/([0-9a-f-]{36})$/.exec(response.headers.get('location') ?? '')?.[1];
  if (sessionId === undefined) throw new Error(`no checkout session in ${response.headers.get('location')}`);
  return sessionId;
}

/** Signs in at Amazon and picks an address and a payment instrument. */
export async function chooseAtAmazon(emulatorUrl: string, sessionId: string, choice: AmazonChoice = {}) {
  return emulatorPost(emulatorUrl, `/__emulator/checkoutSessions/${sessionId}/buyer`, {
    instrument: 'card',
    ...choice,
  });
}

/** Presses 「支払う」 on the amazonPayRedirectUrl page. */
export async function confirmAtAmazon(emulatorUrl: string, sessionId: string) {
  return emulatorPost(emulatorUrl, `/__emulator/checkoutSessions/${sessionId}/confirm`);
}

/** C6: the orderer Amazon prefilled on the order view (the order must be back from Amazon). */
export function ordererOf(view: { ordererDefaults: OrdererInput | null }): OrdererInput {
  if (view.ordererDefaults === null) throw new Error('no orderer defaults yet: the order is not back from Amazon');
  return view.ordererDefaults;
}

/** What a test changes in the procedure form (the rest is a valid guest form). */
export type ProcedureOverrides = Partial<OrderProcedureInput>;

/**
 * The order-procedure form the buyer submits: the orderer Amazon prefilled (`ordererDefaults` of the
 * order view), nothing chosen, the privacy policy accepted, then `overrides`.
 */
export function procedureForm(
  ordererDefaults: OrdererInput | null,
  overrides?: ProcedureOverrides,
): OrderProcedureInput;
/** The same from an untyped HTTP body (the API's answer), for requests sent as JSON. */
export function procedureForm(
  ordererDefaults: Record<string, unknown>,
  overrides?: Record<string, unknown>,
): Record<string, unknown>;
export function procedureForm(
  ordererDefaults: OrdererInput | Record<string, unknown> | null,
  overrides: ProcedureOverrides | Record<string, unknown> = {},
): OrderProcedureInput | Record<string, unknown> {
  if (ordererDefaults === null) throw new Error('no orderer defaults yet: the order is not back from Amazon');
  return {
    orderer: ordererDefaults,
    delivery: { date: 'unspecified', timeSlot: 'unspecified' },
    gift: { wrapping: false, noshi: null },
    privacyPolicyConsent: true,
    ...overrides,
  };
}

export interface CheckoutRun {
  orderId: string;
  token: string;
  sessionId: string;
  headers: Record<string, string>;
}

/** Step 1 and the Amazon pages, up to the return: answers the order id, token and session id. */
export async function startCheckout(
  shopper: Shopper,
  emulatorUrl: string,
  items: { productId: string; quantity: number }[],
  choice: AmazonChoice = {},
): Promise<CheckoutRun> {
  const created = await shopper.post('/api/checkouts', { items });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const sessionId = await clickAmazonPayButton(created.body.amazonPayButton.redirectUrl);
  await chooseAtAmazon(emulatorUrl, sessionId, choice);
  return {
    orderId: created.body.orderId,
    token: created.body.orderToken,
    sessionId,
    headers: { 'x-order-token': created.body.orderToken },
  };
}

/** Steps 2–3 for a run: back from Amazon, then the procedure form; answers the procedure response. */
export async function enterProcedure(
  shopper: Shopper,
  run: CheckoutRun,
  form: (defaults: Record<string, unknown>) => Record<string, unknown> = procedureForm,
) {
  const back = await shopper.request(
    'POST',
    `/api/orders/${run.orderId}/amazon-return`,
    { amazonCheckoutSessionId: run.sessionId },
    run.headers,
  );
  expect(back.status, JSON.stringify(back.body)).toBe(200);
  const procedure = await shopper.request(
    'PUT',
    `/api/orders/${run.orderId}/procedure`,
    form(back.body.order.ordererDefaults),
    run.headers,
  );
  expect(procedure.status, JSON.stringify(procedure.body)).toBe(200);
  return procedure;
}

/** Steps 2–5 for a run, the buyer confirming at Amazon in between; answers the complete response. */
export async function finishCheckout(
  shopper: Shopper,
  emulatorUrl: string,
  run: CheckoutRun,
  form: (defaults: Record<string, unknown>) => Record<string, unknown> = procedureForm,
) {
  await enterProcedure(shopper, run, form);
  const confirmed = await shopper.request('POST', `/api/orders/${run.orderId}/confirm`, {}, run.headers);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect(confirmed.body.amazonPayRedirectUrl).toMatch(/\/checkout\/.+\/confirm$/);
  await confirmAtAmazon(emulatorUrl, run.sessionId);
  return shopper.request('POST', `/api/orders/${run.orderId}/complete`, {}, run.headers);
}
