/**
 * The direct-call baseline: one order's domain work, the same Amazon Pay calls (the project's adapter,
 * signed HTTP to the same emulator) and the equivalent MongoDB writes, called in-process — no
 * Temporal, no HTTP API. What remains between this and the full path is the price of durability.
 *
 * Amazon sequence per order, as the real path makes it: create session, choose (the buyer), get
 * session (Amazon return), update with the amount, confirm (the buyer), complete, get charge,
 * capture. MongoDB: the read model upserted at each of the six state changes (as `saveOrderView`
 * does), and the member read twice for member orders. Point accounts live in Temporal in the real
 * path, so here they are in-memory counters.
 */
import { randomInt } from 'node:crypto';
import { createCheckoutActivities } from '../../activities/checkout.js';
import { createOrderActivities } from '../../activities/orders.js';
import { createPaymentActivities } from '../../activities/payments.js';
import { createAmazonPayClient, type AmazonPayClient } from '../../amazon-pay/index.js';
import type { AppConfig } from '../../config/index.js';
import { checkShippingAddress, checkSingleShippingAddress } from '../../domain/address.js';
import { tokyoDate } from '../../domain/calendar.js';
import { checkAmazonPayCart, type CartItem } from '../../domain/cart.js';
import { amazonIdempotencyKey, newOrderId } from '../../domain/ids.js';
import { ordererFromAmazon, parseOrderProcedure } from '../../domain/order-procedure.js';
import { classifyPaymentDescriptor } from '../../domain/payment-method.js';
import { checkPointsToUse, purchasePoints } from '../../domain/points.js';
import { computeTotals, DEFAULT_FEE_TABLE } from '../../domain/totals.js';
import { DEMO_PRODUCTS } from '../../db/seed.js';
import type { Models } from '../../db/models/index.js';
import type { OrderView } from '../../workflows/order/definitions.js';
import type { Recorder, ShopperKind } from './shopper.js';

export interface DirectDeps {
  config: AppConfig;
  models: Models;
  emulatorUrl: string;
  record: Recorder;
}

export function createDirectOrders(deps: DirectDeps) {
  const amazonPay: AmazonPayClient = createAmazonPayClient(deps.config, { emulatorUrl: deps.emulatorUrl });
  const checkout = createCheckoutActivities({ amazonPay });
  const payments = createPaymentActivities({ amazonPay });
  const orders = createOrderActivities({ models: deps.models, extraFields: deps.config.members.extraFields });
  const pointBalances = new Map<string, number>();

  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const value = await fn();
      deps.record(step, performance.now() - started, true);
      return value;
    } catch (error) {
      deps.record(step, performance.now() - started, false);
      throw error;
    }
  };
  const control = async (path: string, body: unknown = {}) => {
    const response = await fetch(`${deps.emulatorUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };

  /** Registers a member row (setup, not timed) and gives it points. */
  async function addMember(label: string, points: number): Promise<string> {
    const memberId = `M-BENCH-${label}-${Date.now().toString(36)}${randomInt(1e9).toString(36)}`;
    await deps.models.Member.collection.insertOne({
      memberId,
      email: `${memberId.toLowerCase()}@example.jp`,
      name: 'ベンチ 太郎',
      postalCode: '1500041',
      prefecture: '東京都',
      address: '渋谷区神南1-2-3',
      phone: '0312345678',
      passwordHash: null,
      newsletter: false,
      mobileMail: null,
      registeredAt: new Date(),
      registeredVia: 'form',
      amazonBuyerId: null,
      amazonLinkedAt: null,
      extra: { birthday: '1980-04-01' },
    });
    pointBalances.set(memberId, points);
    return memberId;
  }

  async function runOrder(kind: ShopperKind, memberId: string | null, pointsToUse: number): Promise<void> {
    const cfg = deps.config;
    const byId = new Map(DEMO_PRODUCTS.map((p) => [p.productId, p]));
    const items: CartItem[] = [
      { productId: 'tea-sencha', quantity: 1 },
      { productId: 'wagashi', quantity: 1 },
    ].map((line) => {
      const product = byId.get(line.productId);
      if (product === undefined) throw new Error(`no product ${line.productId}`);
      return {
        productId: product.productId,
        name: product.name,
        salesType: product.salesType,
        unitPrice: product.price,
        quantity: line.quantity,
      };
    });
    if (!checkAmazonPayCart(items).ok) throw new Error('cart refused');
    const orderId = newOrderId(new Date(), () => randomInt(0, 2 ** 32) / 2 ** 32);
    const base = cfg.api.publicBaseUrl;
    const now = new Date().toISOString();
    const view = {
      orderId,
      status: 'CheckoutCreated',
      version: 1,
      memberId,
      isGuest: memberId === null,
      items,
      totals: computeTotals({ items, giftWrapping: false, noshi: false, fees: DEFAULT_FEE_TABLE }),
      checkoutSessionId: null as string | null,
      buyer: null as unknown,
      shippingAddress: null as unknown,
      paymentMethod: null as unknown,
      ordererDefaults: null as unknown,
      procedure: null as unknown,
      additionalInformationRequired: [] as unknown[],
      couponCode: null,
      pointsUsed: 0,
      amazonPayRedirectUrl: null as string | null,
      chargePermissionId: null as string | null,
      chargeId: null as string | null,
      shopMemo: null,
      newsletter: null,
      mobileMail: null,
      registeredMemberId: null,
      purchasePoints: { points: 0, state: 'none' },
      failure: null,
      payment: null as unknown,
      createdAt: now,
      placedAt: null as string | null,
      updatedAt: now,
      waitingFor: '',
    };
    const save = (status: string) => {
      view.status = status;
      view.version += 1;
      view.updatedAt = new Date().toISOString();
      return timed('db: save read model', () => orders.saveOrderView(view as unknown as OrderView));
    };
    await timed('db: save read model', () => orders.saveOrderView(view as unknown as OrderView));

    // The button: the session, created from the same payload the storefront signs.
    const session = await timed('amazon: createCheckoutSession', () =>
      amazonPay.createCheckoutSession(
        {
          webCheckoutDetails: { checkoutReviewReturnUrl: `${base}/checkout/review?orderId=${orderId}` },
          storeId: cfg.amazonPay.storeId,
          scopes: ['name', 'email', 'phoneNumber', 'billingAddress'],
          chargePermissionType: 'OneTime',
          paymentDetails: {
            paymentIntent: 'Authorize',
            canHandlePendingAuthorization: true,
            allowOvercharge: true,
            presentmentCurrency: 'JPY',
          },
          merchantMetadata: { merchantReferenceId: orderId, merchantStoreName: cfg.orders.shopName },
        },
        { idempotencyKey: amazonIdempotencyKey(orderId, 'createCheckoutSession') },
      ),
    );
    const sessionId = session.checkoutSessionId;
    await timed('emulator: choose buyer', () =>
      control(`/__emulator/checkoutSessions/${sessionId}/buyer`, { instrument: 'card' }),
    );

    // Amazon return: read the session, R3/C7, payment descriptor, orderer defaults.
    const read = await timed('amazon: getCheckoutSession', () => checkout.readCheckoutSession(sessionId));
    if ('refused' in read || read.buyer === null) throw new Error('session refused');
    const single = checkSingleShippingAddress(read.shippingAddresses);
    if (!single.ok) throw new Error('not one address');
    const usable = checkShippingAddress(single.address);
    if (!usable.usable) throw new Error('address unusable');
    view.checkoutSessionId = sessionId;
    view.buyer = { buyerId: read.buyer.buyerId, name: read.buyer.name, email: read.buyer.email };
    view.shippingAddress = usable.address;
    view.paymentMethod = classifyPaymentDescriptor(read.paymentDescriptor);
    const defaults = ordererFromAmazon(read.buyer, usable.address);
    view.ordererDefaults = defaults;
    if (memberId !== null) await timed('db: member snapshot', () => orders.getMemberSnapshot(memberId));
    await save('AddressSelected');

    // The procedure form.
    const parsed = parseOrderProcedure(
      {
        orderer: defaults,
        delivery: { date: 'unspecified', timeSlot: 'unspecified' },
        gift: { wrapping: false, noshi: null },
        privacyPolicyConsent: true,
        ...(kind === 'points' ? { pointsToUse } : {}),
      },
      { isMember: memberId !== null, today: tokyoDate(new Date()) },
    );
    if (!parsed.ok) throw new Error(`procedure refused: ${parsed.issues[0]?.message}`);
    const before = computeTotals({ items, giftWrapping: false, noshi: false, fees: DEFAULT_FEE_TABLE });
    const usePoints = kind === 'points' && memberId !== null ? pointsToUse : 0;
    if (usePoints > 0 && memberId !== null) {
      const check = checkPointsToUse({
        pointsToUse: usePoints,
        isMember: true,
        balance: pointBalances.get(memberId) ?? 0,
        amountBeforePoints: before.amountBeforePoints,
      });
      if (!check.ok) throw new Error(check.message);
    }
    view.totals = computeTotals({
      items,
      giftWrapping: false,
      noshi: false,
      pointsToUse: usePoints,
      fees: DEFAULT_FEE_TABLE,
    });
    view.procedure = parsed.value;
    view.pointsUsed = usePoints;
    await save('ProcedureEntered');

    // 「注文確定」: hold the points, the amount to Amazon.
    if (memberId !== null) {
      await timed('db: member snapshot', () => orders.getMemberSnapshot(memberId));
      if (usePoints > 0) pointBalances.set(memberId, (pointBalances.get(memberId) ?? 0) - usePoints);
    }
    const updated = await timed('amazon: updateCheckoutSession', () =>
      checkout.setCheckoutAmount({
        orderId,
        checkoutSessionId: sessionId,
        amount: view.totals.total,
        checkoutResultReturnUrl: `${base}/checkout/complete?orderId=${orderId}`,
        shopName: cfg.orders.shopName,
      }),
    );
    if ('refused' in updated || updated.amazonPayRedirectUrl === null) throw new Error('update refused');
    view.amazonPayRedirectUrl = updated.amazonPayRedirectUrl;
    await save('Confirmed');
    await timed('emulator: confirm (支払う)', () => control(`/__emulator/checkoutSessions/${sessionId}/confirm`));

    // Complete: the charge, then placement.
    const completed = await timed('amazon: completeCheckoutSession', () =>
      checkout.completeCheckout({ orderId, checkoutSessionId: sessionId, amount: view.totals.total }),
    );
    if ('refused' in completed || completed.chargeId === null) throw new Error('complete refused');
    const chargeId = completed.chargeId;
    const charge = await timed('amazon: getCharge', () => checkout.readCharge(chargeId));
    if (charge.state !== 'Authorized') throw new Error(`charge ${charge.state}`);
    view.chargePermissionId = completed.chargePermissionId;
    view.chargeId = chargeId;
    if (memberId !== null)
      view.purchasePoints = {
        points: purchasePoints(view.totals.purchasePointsBase, cfg.orders.pointsRatePercent),
        state: 'pending',
      };
    view.placedAt = new Date().toISOString();
    await save('Placed');

    // Capture at shipment.
    const captured = await timed('amazon: captureCharge', () =>
      payments.captureCharge({ orderId, chargeId, amount: view.totals.total, seq: 0 }),
    );
    if ('refused' in captured) throw new Error(`capture refused ${captured.reasonCode}`);
    view.payment = { capturedAmount: captured.capturedAmount, charges: [captured] };
    await save('Captured');
  }

  return { addMember, runOrder };
}
