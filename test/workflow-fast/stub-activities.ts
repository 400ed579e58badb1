/**
 * Plain in-memory stand-ins for every activity the order workflow calls, registered under the same
 * names, so the workflow's timers and branches run on the time-skipping server in milliseconds: no
 * database, no emulator, no point-account workflows. Amazon here is a small state machine the test
 * steers (`world.amazon`); its clock is Temporal's (the activity's scheduled time), so an
 * authorization expires when the skipped time says 30 days have passed.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type { AmazonRefusal, ChargeSnapshot, CheckoutSessionSnapshot } from '../../activities/checkout.js';
import type { CouponData, MemberSnapshot } from '../../activities/orders.js';
import type { PermissionSnapshot, RefundSnapshot } from '../../activities/payments.js';
import type { ChargeState } from '../../amazon-pay/index.js';
import type { AmazonAddress } from '../../domain/address.js';
import { orderMailKey, type OrderMailInput } from '../../mail/order-mails.js';
import type { OrderView } from '../../workflows/order/definitions.js';

/** Every activity the order workflow (checkout and payment halves) calls. */
export type OrderActivityName =
  | 'readCheckoutSession'
  | 'setCheckoutAmount'
  | 'completeCheckout'
  | 'readCharge'
  | 'readChargePermission'
  | 'authorizeCharge'
  | 'captureCharge'
  | 'cancelCharge'
  | 'closeChargePermission'
  | 'refundCharge'
  | 'readRefund'
  | 'getMemberSnapshot'
  | 'findCoupon'
  | 'reserveCoupon'
  | 'releaseCoupon'
  | 'registerMemberAtPurchase'
  | 'saveOrderView'
  | 'pointsBalance'
  | 'reservePoints'
  | 'releasePoints'
  | 'spendReservedPoints'
  | 'grantPendingPoints'
  | 'activatePendingPoints'
  | 'revokePendingPoints'
  | 'adjustPoints'
  | 'sendOrderMail';

export type OrderActivities = Pick<Activities, OrderActivityName>;

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOKYO_ADDRESS: AmazonAddress = {
  name: '山田 太郎',
  addressLine1: '神南1-2-3',
  addressLine2: 'サンプルマンション101',
  addressLine3: null,
  city: '渋谷区',
  county: null,
  district: null,
  stateOrRegion: '東京都',
  postalCode: '150-0041',
  countryCode: 'JP',
  phoneNumber: '090-1234-5678',
};

/** C7: the manual's own example of an unusable address (too few digits in the phone number). */
export const SHORT_PHONE_ADDRESS: AmazonAddress = { ...TOKYO_ADDRESS, phoneNumber: '03-123' };

interface FakeCharge {
  chargeId: string;
  state: ChargeState;
  reasonCode: string | null;
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
  /** Amazon's clock (Temporal's skipped time) when it authorized; null until then. */
  authorizedAtMs: number | null;
}

interface FakeRefund {
  refundId: string;
  chargeId: string;
  amount: number;
  state: RefundSnapshot['state'];
  reasonCode: string | null;
}

/** What Amazon does with the buyer's completion (step 5). */
type Completion =
  | { kind: 'charge'; state: 'Authorized' | 'AuthorizationInitiated' | 'Declined'; reasonCode?: string }
  /** completeCheckoutSession refused; the session is then Canceled with this reason (declined, or the buyer canceled). */
  | { kind: 'refused'; reasonCode: 'Declined' | 'BuyerCanceled' };

interface FakeAmazon {
  checkoutSessionId: string;
  /** The order the session was created for (merchantReferenceId). */
  sessionOrderId: string | null;
  sessionState: CheckoutSessionSnapshot['state'];
  sessionReasonCode: string | null;
  buyerSignedIn: boolean;
  shippingAddresses: AmazonAddress[];
  paymentDescriptor: string | null;
  completion: Completion;
  /** State of the next authorization made after placement (an increase, a renewal). */
  nextAuthorization: 'Authorized' | 'AuthorizationInitiated' | 'Declined';
  /** State of the next capture (a capture more than 7 days after the authorization may go pending). */
  nextCapture: 'Captured' | 'CaptureInitiated';
  /** State a new refund starts in. */
  nextRefund: RefundSnapshot['state'];
  /** How long an authorization lives at Amazon (30 days; longer when Amazon's clock is behind ours). */
  authorizationLifetimeMs: number;
  permissionState: PermissionSnapshot['state'];
  permissionReasonCode: string | null;
  charges: Map<string, FakeCharge>;
  refunds: Map<string, FakeRefund>;
  /** Activities that fail as an unreachable Amazon does after the activity's retries (each entry: one call). */
  outages: OrderActivityName[];
}

interface PointAccount {
  balance: number;
  reserved: Map<string, number>;
  pending: Map<string, number>;
}

export interface StubWorld {
  activities: OrderActivities;
  amazon: FakeAmazon;
  members: Map<string, MemberSnapshot>;
  coupons: Map<string, CouponData>;
  /** Coupon code → order that reserved it (one use per member and code). */
  couponUses: Map<string, string>;
  points: Map<string, PointAccount>;
  /** Every activity call in order, with its first argument. */
  calls: { name: OrderActivityName; arg: unknown }[];
  /** The read model: the last view saved per order. */
  views: Map<string, OrderView>;
  /** The order e-mails: the ones the SMTP server took, and how many attempts fail first (an outage). */
  mail: { sent: OrderMailInput[]; failingAttempts: number };
  /** How often `name` was called. */
  count(name: OrderActivityName): number;
  /** Amazon decides a charge (a pending authorization or capture). */
  decide(chargeId: string, state: ChargeState, reasonCode?: string): void;
  /** Amazon's state at Temporal's current (skipped) time. */
  charge(chargeId: string): FakeCharge;
  account(memberId: string): { balance: number; reserved: number; pending: number };
}

/** Amazon's "now": the time Temporal scheduled this attempt (skipped time on the test server). */
function amazonNow(): number {
  return Context.current().info.currentAttemptScheduledTimestampMs;
}

/** The failure an unreachable Amazon leaves after the activity's retries (the real adapter's 503). */
function unavailable(operation: string): ApplicationFailure {
  // Non-retryable so the test does not spend the retry schedule in real time: the workflow sees the
  // same ActivityFailure it sees once the retries of a real outage are used up.
  return ApplicationFailure.create({
    type: 'AmazonPay.ServiceUnavailable',
    message: `Amazon Pay ${operation} failed: HTTP 503 ServiceUnavailable`,
    nonRetryable: true,
    details: [{ operation, status: 503, reasonCode: 'ServiceUnavailable', message: 'stub outage' }],
  });
}

const refusal = (reasonCode: string, status = 422): AmazonRefusal => ({ refused: true, reasonCode, status });

export function createStubWorld(orderId: string): StubWorld {
  const checkoutSessionId = '0a0b0c0d-0000-4000-8000-000000000001';
  const chargePermissionId = 'S01-0000001-0000001';
  const amazon: FakeAmazon = {
    checkoutSessionId,
    sessionOrderId: orderId,
    sessionState: 'Open',
    sessionReasonCode: null,
    buyerSignedIn: true,
    shippingAddresses: [TOKYO_ADDRESS],
    paymentDescriptor: 'Visa ****1234',
    completion: { kind: 'charge', state: 'Authorized' },
    nextAuthorization: 'Authorized',
    nextCapture: 'Captured',
    nextRefund: 'RefundInitiated',
    authorizationLifetimeMs: 30 * DAY_MS,
    permissionState: 'Chargeable',
    permissionReasonCode: null,
    charges: new Map(),
    refunds: new Map(),
    outages: [],
  };
  let redirectUrl: string | null = null;
  let completedChargeId: string | null = null;
  let checkoutAmount = 0;
  /** Idempotency: one object per (operation, sequence number), as Amazon's idempotency keys give. */
  const byKey = new Map<string, string>();
  const members = new Map<string, MemberSnapshot>();
  const coupons = new Map<string, CouponData>();
  const couponUses = new Map<string, string>();
  const points = new Map<string, PointAccount>();
  const calls: StubWorld['calls'] = [];
  const views = new Map<string, OrderView>();
  const mail: StubWorld['mail'] = { sent: [], failingAttempts: 0 };

  const record = (name: OrderActivityName, arg: unknown) => {
    calls.push({ name, arg });
    const outage = amazon.outages.indexOf(name);
    if (outage !== -1) {
      amazon.outages.splice(outage, 1);
      throw unavailable(name);
    }
  };
  const account = (memberId: string): PointAccount => {
    let found = points.get(memberId);
    if (found === undefined) {
      found = { balance: 0, reserved: new Map(), pending: new Map() };
      points.set(memberId, found);
    }
    return found;
  };
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);

  const newCharge = (amount: number, state: ChargeState, reasonCode: string | null = null): FakeCharge => {
    const charge: FakeCharge = {
      chargeId: `S01-0000001-0000001-C${String(amazon.charges.size + 1).padStart(6, '0')}`,
      state,
      reasonCode,
      amount,
      capturedAmount: 0,
      refundedAmount: 0,
      authorizedAtMs: state === 'Authorized' ? amazonNow() : null,
    };
    amazon.charges.set(charge.chargeId, charge);
    return charge;
  };
  /** Amazon expires an authorization nobody captured. */
  const current = (chargeId: string): FakeCharge => {
    const charge = amazon.charges.get(chargeId);
    if (charge === undefined) throw ApplicationFailure.nonRetryable(`no charge ${chargeId}`, 'Stub.NotFound');
    if (charge.state === 'Authorized' && charge.authorizedAtMs === null) charge.authorizedAtMs = amazonNow();
    if (
      charge.state === 'Authorized' &&
      charge.authorizedAtMs !== null &&
      amazonNow() >= charge.authorizedAtMs + amazon.authorizationLifetimeMs
    )
      Object.assign(charge, { state: 'Canceled', reasonCode: 'ExpiredUnused' });
    return charge;
  };
  const snapshotCharge = (charge: FakeCharge): ChargeSnapshot => ({
    chargeId: charge.chargeId,
    chargePermissionId,
    state: charge.state,
    reasonCode: charge.reasonCode,
    amount: charge.amount,
    capturedAmount: charge.capturedAmount,
    refundedAmount: charge.refundedAmount,
  });
  const session = (): CheckoutSessionSnapshot => ({
    checkoutSessionId: amazon.checkoutSessionId,
    state: amazon.sessionState,
    reasonCode: amazon.sessionReasonCode,
    orderId: amazon.sessionOrderId,
    buyer: amazon.buyerSignedIn
      ? { buyerId: 'amzn1.account.STUBBUYER', name: '山田 太郎', email: 'taro.yamada@example.jp', phoneNumber: null }
      : null,
    shippingAddresses: amazon.shippingAddresses,
    paymentDescriptor: amazon.paymentDescriptor,
    amazonPayRedirectUrl: redirectUrl,
    chargePermissionId: completedChargeId === null ? null : chargePermissionId,
    chargeId: completedChargeId,
    constraints: [],
  });
  const authorizedTotal = () =>
    [...amazon.charges.values()]
      .filter((c) => ['AuthorizationInitiated', 'Authorized', 'CaptureInitiated', 'Captured'].includes(c.state))
      .reduce((total, c) => total + (c.state === 'Captured' ? c.capturedAmount : c.amount), 0);
  const amountLimit = () => Math.max(9 * checkoutAmount, 70_000);

  const activities: OrderActivities = {
    async readCheckoutSession(id) {
      record('readCheckoutSession', id);
      return id === amazon.checkoutSessionId ? session() : refusal('ResourceNotFound', 404);
    },
    async setCheckoutAmount(input) {
      record('setCheckoutAmount', input);
      if (input.checkoutSessionId !== amazon.checkoutSessionId) return refusal('ResourceNotFound', 404);
      checkoutAmount = input.amount;
      redirectUrl = `https://pay.example/checkout/${amazon.checkoutSessionId}/confirm`;
      return session();
    },
    async completeCheckout(input) {
      record('completeCheckout', input);
      if (completedChargeId !== null) return session();
      const completion = amazon.completion;
      if (completion.kind === 'refused') {
        amazon.sessionState = 'Canceled';
        amazon.sessionReasonCode = completion.reasonCode;
        return refusal(completion.reasonCode === 'Declined' ? 'InvalidChargeStatus' : 'CheckoutSessionCanceled');
      }
      completedChargeId = newCharge(input.amount, completion.state, completion.reasonCode ?? null).chargeId;
      amazon.sessionState = 'Completed';
      return session();
    },
    async readCharge(chargeId) {
      record('readCharge', chargeId);
      return snapshotCharge(current(chargeId));
    },
    async readChargePermission(id) {
      record('readChargePermission', id);
      return {
        chargePermissionId: id,
        state: amazon.permissionState,
        reasonCode: amazon.permissionReasonCode,
        amountLimit: amountLimit(),
        amountBalance: Math.max(0, amountLimit() - authorizedTotal()),
      };
    },
    async authorizeCharge(input) {
      record('authorizeCharge', input);
      const key = `createCharge:${input.seq}`;
      const existing = byKey.get(key);
      if (existing !== undefined) return snapshotCharge(current(existing));
      if (amazon.permissionState !== 'Chargeable') return refusal('InvalidChargePermissionStatus');
      const charge = newCharge(
        input.amount,
        amazon.nextAuthorization,
        amazon.nextAuthorization === 'Declined' ? 'HardDeclined' : null,
      );
      byKey.set(key, charge.chargeId);
      return snapshotCharge(charge);
    },
    async captureCharge(input) {
      record('captureCharge', input);
      const charge = current(input.chargeId);
      if (byKey.get(`captureCharge:${input.seq}`) === charge.chargeId) return snapshotCharge(charge);
      if (charge.state !== 'Authorized') return refusal('InvalidChargeStatus');
      byKey.set(`captureCharge:${input.seq}`, charge.chargeId);
      Object.assign(charge, {
        state: amazon.nextCapture,
        capturedAmount: amazon.nextCapture === 'Captured' ? input.amount : 0,
      });
      return snapshotCharge(charge);
    },
    async cancelCharge(input) {
      record('cancelCharge', input);
      const charge = current(input.chargeId);
      if (!['AuthorizationInitiated', 'Authorized', 'Canceled'].includes(charge.state))
        return refusal('InvalidChargeStatus');
      if (charge.state !== 'Canceled') Object.assign(charge, { state: 'Canceled', reasonCode: 'MerchantCanceled' });
      return snapshotCharge(charge);
    },
    async closeChargePermission(input) {
      record('closeChargePermission', input);
      amazon.permissionState = 'Closed';
      amazon.permissionReasonCode = 'MerchantClosed';
      for (const charge of amazon.charges.values())
        if (charge.state === 'Authorized' || charge.state === 'AuthorizationInitiated')
          Object.assign(charge, { state: 'Canceled', reasonCode: 'ChargePermissionClosed' });
      return { state: 'Closed' };
    },
    async refundCharge(input) {
      record('refundCharge', input);
      const key = `createRefund:${input.seq}`;
      const existing = byKey.get(key);
      if (existing !== undefined) return { ...(amazon.refunds.get(existing) as FakeRefund) };
      const charge = current(input.chargeId);
      if (charge.state !== 'Captured' || input.amount > charge.capturedAmount - charge.refundedAmount)
        return refusal('TransactionAmountExceeded');
      const refund: FakeRefund = {
        refundId: `S01-0000001-0000001-R${String(amazon.refunds.size + 1).padStart(6, '0')}`,
        chargeId: input.chargeId,
        amount: input.amount,
        state: amazon.nextRefund,
        reasonCode: null,
      };
      amazon.refunds.set(refund.refundId, refund);
      byKey.set(key, refund.refundId);
      charge.refundedAmount += input.amount;
      return { ...refund };
    },
    async readRefund(refundId) {
      record('readRefund', refundId);
      const refund = amazon.refunds.get(refundId);
      if (refund === undefined) throw ApplicationFailure.nonRetryable(`no refund ${refundId}`, 'Stub.NotFound');
      // Amazon settles a refund by the time anyone looks again.
      if (refund.state === 'RefundInitiated') refund.state = 'Refunded';
      return { ...refund };
    },

    async getMemberSnapshot(memberId) {
      record('getMemberSnapshot', memberId);
      return members.get(memberId) ?? null;
    },
    async findCoupon(input) {
      record('findCoupon', input);
      const coupon = coupons.get(input.code);
      if (coupon === undefined) return { found: false };
      const usedBy = couponUses.get(`${input.code}:${input.memberId}`);
      return { found: true, coupon, alreadyUsedByMember: usedBy !== undefined && usedBy !== input.orderId };
    },
    async reserveCoupon(input) {
      record('reserveCoupon', input);
      const key = `${input.code}:${input.memberId}`;
      const usedBy = couponUses.get(key);
      if (usedBy === undefined) couponUses.set(key, input.orderId);
      return { reserved: (usedBy ?? input.orderId) === input.orderId };
    },
    async releaseCoupon(input) {
      record('releaseCoupon', input);
      const key = `${input.code}:${input.memberId}`;
      if (couponUses.get(key) === input.orderId) couponUses.delete(key);
    },
    async registerMemberAtPurchase(input) {
      record('registerMemberAtPurchase', input);
      if ([...members.values()].some((m) => m.email === input.email)) return { outcome: 'email_taken' };
      const memberId = `M-${input.orderId}`;
      members.set(memberId, {
        memberId,
        email: input.email,
        name: input.name,
        newsletter: input.newsletter,
        mobileMail: null,
        missingExtraFields: [],
      });
      return { outcome: 'registered', memberId, registeredAt: new Date(amazonNow()).toISOString() };
    },
    async saveOrderView(view) {
      // A local activity: recorded without the outage knob (the read model is not Amazon).
      calls.push({ name: 'saveOrderView', arg: view });
      const stored = views.get(view.orderId);
      if (stored === undefined || stored.version < view.version) views.set(view.orderId, structuredClone(view));
    },

    async pointsBalance(memberId) {
      record('pointsBalance', memberId);
      const a = account(memberId);
      const reserved = sum(a.reserved);
      return { memberId, balance: a.balance, reserved, available: a.balance - reserved, pending: sum(a.pending) };
    },
    async reservePoints(input) {
      record('reservePoints', input);
      const a = account(input.memberId);
      const others = sum(a.reserved) - (a.reserved.get(input.orderId) ?? 0);
      if (a.balance - others < input.points)
        throw ApplicationFailure.create({
          type: 'Points.InsufficientBalance',
          message: 'ご利用可能なポイントが不足しています。',
          nonRetryable: true,
        });
      a.reserved.set(input.orderId, input.points);
      return stubAccountView(input.memberId, a);
    },
    async releasePoints(input) {
      record('releasePoints', input);
      const a = account(input.memberId);
      a.reserved.delete(input.orderId);
      return stubAccountView(input.memberId, a);
    },
    async spendReservedPoints(input) {
      record('spendReservedPoints', input);
      const a = account(input.memberId);
      if (a.reserved.has(input.orderId)) {
        a.balance -= input.points;
        a.reserved.delete(input.orderId);
      }
      return stubAccountView(input.memberId, a);
    },
    async grantPendingPoints(input) {
      record('grantPendingPoints', input);
      const a = account(input.memberId);
      a.pending.set(input.orderId, input.points);
      return stubAccountView(input.memberId, a);
    },
    async activatePendingPoints(input) {
      record('activatePendingPoints', input);
      const a = account(input.memberId);
      a.balance += a.pending.get(input.orderId) ?? 0;
      a.pending.delete(input.orderId);
      return stubAccountView(input.memberId, a);
    },
    async revokePendingPoints(input) {
      record('revokePendingPoints', input);
      const a = account(input.memberId);
      a.pending.delete(input.orderId);
      return stubAccountView(input.memberId, a);
    },
    async adjustPoints(input) {
      record('adjustPoints', input);
      const a = account(input.memberId);
      const next = a.balance + input.points;
      a.balance = Math.max(0, next);
      return { ...stubAccountView(input.memberId, a), shortfall: next < 0 ? -next : 0 };
    },

    async sendOrderMail(input) {
      calls.push({ name: 'sendOrderMail', arg: input });
      if (mail.failingAttempts > 0) {
        mail.failingAttempts -= 1;
        // What nodemailer throws with the SMTP server down: retryable.
        throw new Error('connect ECONNREFUSED 127.0.0.1:1025 (stub outage)');
      }
      const key = orderMailKey(input.order.orderId, input.event);
      const messageId = `<${key}@stub.example>`;
      if (mail.sent.some((sent) => orderMailKey(sent.order.orderId, sent.event) === key))
        return { outcome: 'already_sent', messageId };
      mail.sent.push(structuredClone(input));
      return { outcome: 'sent', messageId };
    },
  };

  return {
    activities,
    amazon,
    members,
    coupons,
    couponUses,
    points,
    calls,
    views,
    mail,
    count: (name) => calls.filter((c) => c.name === name).length,
    decide(chargeId, state, reasonCode) {
      const charge = amazon.charges.get(chargeId);
      if (charge === undefined) throw new Error(`no charge ${chargeId}`);
      Object.assign(charge, { state, reasonCode: reasonCode ?? null });
      if (state === 'Captured') charge.capturedAmount = charge.amount;
      // Decided outside any activity (no Temporal clock here): the next read stamps the authorization time.
      if (state === 'Authorized') charge.authorizedAtMs = null;
    },
    charge: (chargeId) => {
      const charge = amazon.charges.get(chargeId);
      if (charge === undefined) throw new Error(`no charge ${chargeId}`);
      return charge;
    },
    account(memberId) {
      const a = account(memberId);
      return { balance: a.balance, reserved: sum(a.reserved), pending: sum(a.pending) };
    },
  };
}

function stubAccountView(memberId: string, a: PointAccount) {
  const reserved = [...a.reserved.values()].reduce((x, y) => x + y, 0);
  return {
    memberId,
    balance: a.balance,
    reserved,
    available: a.balance - reserved,
    pending: [...a.pending.values()].reduce((x, y) => x + y, 0),
  };
}
