/**
 * After placement (lifecycle steps 6–7): ops operations on the money — change amount (A2, A3),
 * capture (A1; purchase points become usable, P1/P2), cancel, refund (≤ captured; points by the
 * refund rule) — plus the durable timers (authorization expiry at 30 days, the charge permission at
 * 180 days) and re-reading Amazon objects after a notification or while something is pending.
 * Everything here runs under the order's lock, so operations on one order never interleave.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { ChargeSnapshot } from '../../activities/checkout.js';
import type { RefundSnapshot } from '../../activities/payments.js';
import { decideAmountChange } from '../../domain/amount-limits.js';
import { AMAZON_UNAVAILABLE_MESSAGE } from '../../domain/messages.js';
import { formatYen } from '../../domain/money.js';
import { purchasePointsForCharge, refundPointAdjustment } from '../../domain/points.js';
import { amazonCall, isRefusal, refuse } from './failures.js';
import {
  OrderFailureType,
  type ChargeEntry,
  type OrderStatus,
  type OrderView,
  type PaymentView,
  type RefundEntry,
  type UnansweredRequest,
} from './definitions.js';

const amazon = proxyActivities<
  Pick<
    Activities,
    | 'readCharge'
    | 'readChargePermission'
    | 'authorizeCharge'
    | 'captureCharge'
    | 'cancelCharge'
    | 'closeChargePermission'
    | 'refundCharge'
    | 'readRefund'
  >
>({
  startToCloseTimeout: '10 seconds',
  // Ops are waiting, but a capture or refund must not be lost: retry transient failures for a while.
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 8,
  },
});
/**
 * Work nobody waits on (timers, notifications, re-sending an unanswered request in the background):
 * retried without limit, so an Amazon outage delays it and never fails the order's workflow.
 */
const amazonPatient = proxyActivities<
  Pick<
    Activities,
    | 'readCharge'
    | 'readChargePermission'
    | 'authorizeCharge'
    | 'cancelCharge'
    | 'closeChargePermission'
    | 'refundCharge'
    | 'readRefund'
  >
>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
const points = proxyActivities<
  Pick<Activities, 'grantPendingPoints' | 'activatePendingPoints' | 'revokePendingPoints' | 'adjustPoints'>
>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});
const store = proxyActivities<Pick<Activities, 'releaseCoupon'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export const AUTHORIZATION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const CHARGE_PERMISSION_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/** Amazon: a capture later than this after the authorization may go pending. */
export const CAPTURE_MAY_PEND_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
/** How soon to look at an expired authorization's charge again when Amazon has not expired it yet. */
const EXPIRY_RECHECK_MS = 6 * 60 * 60 * 1000;
const PENDING_POLL_MS = 60_000;

const OPEN_AUTHORIZATION = ['AuthorizationInitiated', 'Authorized'];
const PENDING_CHARGE = ['AuthorizationInitiated', 'CaptureInitiated'];

function entryFrom(charge: ChargeSnapshot, authorizedAt: string | null): ChargeEntry {
  return {
    chargeId: charge.chargeId,
    amount: charge.amount,
    state: charge.state,
    reasonCode: charge.reasonCode,
    authorizedAt,
    capturedAmount: charge.capturedAmount,
    refundedAmount: charge.refundedAmount,
  };
}

export interface PaymentContext {
  view: OrderView;
  orderId: string;
  pointsRatePercent: number;
  /** The member whose points this order touches (the buyer, or the member registered at purchase). */
  pointsAccount: () => string | null;
  changed: (status?: OrderStatus) => Promise<void>;
}

/** The payment section at placement, from the authorized charge. */
export function initialPayment(view: OrderView, charge: ChargeSnapshot, now: Date): PaymentView {
  return {
    orderAmount: view.totals.total,
    amount: view.totals.total,
    amountLimit: null,
    amountBalance: null,
    charges: [entryFrom(charge, now.toISOString())],
    refunds: [],
    capturedAmount: 0,
    refundedAmount: 0,
    attention: null,
    permissionClosesAt: new Date(now.getTime() + CHARGE_PERMISSION_TTL_MS).toISOString(),
    purchasePointsRevoked: 0,
    usedPointsReturned: 0,
    amazonRequests: 0,
    unanswered: null,
  };
}

export function createPaymentOperations(ctx: PaymentContext) {
  const { view, orderId } = ctx;
  const payment = () => view.payment as PaymentView;
  const permissionId = () => view.chargePermissionId as string;
  const authorizedTotal = () =>
    payment()
      .charges.filter((c) => OPEN_AUTHORIZATION.includes(c.state))
      .reduce((sum, c) => sum + c.amount, 0);
  const totals = () => {
    const p = payment();
    p.capturedAmount = p.charges.reduce((sum, c) => sum + c.capturedAmount, 0);
    p.refundedAmount = p.refunds.filter((r) => r.state !== 'Declined').reduce((sum, r) => sum + r.amount, 0);
  };
  const requireStatus = (...allowed: OrderStatus[]) => {
    if (!allowed.includes(view.status))
      refuse(
        OrderFailureType.InvalidState,
        `the order is ${view.status}; this operation needs ${allowed.join(' or ')}`,
        { status: view.status },
      );
  };
  /**
   * The sequence number of a new Amazon POST's idempotency key. Every new request (a new attempt by
   * staff included, even for the same amount) gets its own; activity retries of one request reuse
   * it, and so does re-sending a request whose answer never came (see `settleUnanswered`).
   */
  const nextRequest = (): number => {
    const seq = payment().amazonRequests;
    payment().amazonRequests = seq + 1;
    return seq;
  };
  /** After capture, the status says what has been asked back (refunds Amazon declined do not count). */
  const refundStatus = (): OrderStatus => {
    const p = payment();
    if (p.refundedAmount === 0) return 'Captured';
    return p.refundedAmount >= p.capturedAmount ? 'Refunded' : 'PartiallyRefunded';
  };

  async function readPermissionLimits(): Promise<void> {
    const permission = await amazonCall(() => amazon.readChargePermission(permissionId()));
    payment().amountLimit = permission.amountLimit;
    payment().amountBalance = permission.amountBalance;
  }

  /**
   * Sends a POST that creates money at Amazon (an authorization, a refund). When Amazon cannot be
   * reached, its outcome is unknown: it is kept as unanswered and sent again with the same key and
   * body before anything else, so it happens at most once whatever staff do next.
   */
  async function sendCreating<T>(request: UnansweredRequest, call: (api: typeof amazon) => Promise<T>): Promise<T> {
    try {
      return await call(amazon);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      payment().unanswered = request;
      await ctx.changed();
      return refuse(OrderFailureType.AmazonUnavailable, AMAZON_UNAVAILABLE_MESSAGE);
    }
  }

  /** Applies the answer to an unanswered request; `api` is the caller's retry policy. */
  async function resend(request: UnansweredRequest, api: typeof amazon | typeof amazonPatient): Promise<void> {
    const p = payment();
    if (request.kind === 'refund') {
      const result = await api.refundCharge({
        orderId,
        chargeId: request.chargeId,
        amount: request.amount,
        seq: request.seq,
      });
      if (!isRefusal(result))
        p.refunds.push({
          refundId: result.refundId,
          chargeId: request.chargeId,
          amount: request.amount,
          state: result.state,
        });
    } else {
      const result = await api.authorizeCharge({
        orderId,
        chargePermissionId: permissionId(),
        amount: request.amount,
        seq: request.seq,
      });
      if (!isRefusal(result)) {
        p.charges.push(entryFrom(result, result.state === 'Authorized' ? new Date().toISOString() : null));
        if (request.kind === 'increase' && result.state !== 'Declined') p.amount = request.target;
      }
    }
    p.unanswered = null;
    totals();
    if (request.kind === 'refund') await afterRefundChange();
    await ctx.changed();
  }

  /** Before a new operation: the unanswered request first (Amazon still unreachable: try later). */
  async function settleUnanswered(): Promise<void> {
    const request = payment().unanswered;
    if (request === null) return;
    try {
      await resend(request, amazon);
    } catch (error) {
      if (error instanceof ActivityFailure) refuse(OrderFailureType.AmazonUnavailable, AMAZON_UNAVAILABLE_MESSAGE);
      throw error;
    }
  }

  /** P1/P2: pending purchase points follow the amount the buyer will be charged (domain/points.ts). */
  async function followChargedAmount(charged: number): Promise<void> {
    const account = ctx.pointsAccount();
    if (account === null || view.purchasePoints.state !== 'pending') return;
    const earned = purchasePointsForCharge({
      base: view.totals.purchasePointsBase,
      orderAmount: payment().orderAmount,
      charged,
      ratePercent: ctx.pointsRatePercent,
    });
    if (earned === view.purchasePoints.points) return;
    await points.grantPendingPoints({ memberId: account, orderId, points: earned });
    view.purchasePoints = { points: earned, state: 'pending' };
  }

  /** A2/A3: checked in domain/ first, then against Amazon's remaining balance. */
  async function changeAmount(amount: number): Promise<OrderView> {
    requireStatus('Placed');
    await settleUnanswered();
    const base = {
      orderAmount: payment().orderAmount,
      authorizedAmount: authorizedTotal(),
      requestedAmount: amount,
      paymentMethod: view.paymentMethod?.kind ?? 'card',
      captured: payment().capturedAmount > 0,
    } as const;
    const first = decideAmountChange(base);
    if (!first.ok)
      refuse(OrderFailureType.AmountChangeRefused, first.message, {
        reason: first.reason,
        amountLimit: first.amountLimit,
        remainingIncrease: first.remainingIncrease,
      });
    if (first.change === 'raise') {
      await readPermissionLimits();
      const checked = decideAmountChange({ ...base, amountBalance: payment().amountBalance as number });
      if (!checked.ok)
        refuse(OrderFailureType.AmountChangeRefused, checked.message, {
          reason: checked.reason,
          amountLimit: checked.amountLimit,
          remainingIncrease: checked.remainingIncrease,
        });
      // Raising: an extra authorization for the difference, so the original one stays if Amazon declines.
      const request: UnansweredRequest = {
        kind: 'increase',
        seq: nextRequest(),
        amount: amount - authorizedTotal(),
        target: amount,
      };
      const extra = await sendCreating(request, (api) =>
        api.authorizeCharge({ orderId, chargePermissionId: permissionId(), amount: request.amount, seq: request.seq }),
      );
      if (isRefusal(extra))
        refuse(OrderFailureType.AmountChangeRefused, `Amazon Pay refused the increase (${extra.reasonCode}).`, {
          reasonCode: extra.reasonCode,
        });
      payment().charges.push(entryFrom(extra, extra.state === 'Authorized' ? new Date().toISOString() : null));
      if (extra.state === 'Declined') {
        await ctx.changed();
        refuse(
          OrderFailureType.AmountChangeRefused,
          `Amazon Pay declined the increase (${extra.reasonCode ?? 'Declined'}).`,
          { reasonCode: extra.reasonCode },
        );
      }
    }
    // Lowering needs no Amazon call: the capture takes the lower amount and Amazon releases the rest.
    payment().amount = amount;
    await followChargedAmount(amount);
    await readPermissionLimits();
    await ctx.changed();
    return view;
  }

  /**
   * A1: capture at shipment, the current amount or part of it. The amount is what the order's
   * capture comes to in total: a capture cut off by an outage is finished by asking again, and what
   * Amazon already captured is read back first (Amazon never captures one charge twice).
   */
  async function capture(requested: number | undefined): Promise<OrderView> {
    requireStatus('Placed');
    await settleUnanswered();
    const p = payment();
    for (const charge of p.charges.filter((c) => OPEN_AUTHORIZATION.includes(c.state)))
      applyCharge(await amazonCall(() => amazon.readCharge(charge.chargeId)));
    const amount = requested ?? p.amount;
    if (amount > p.amount)
      refuse(
        OrderFailureType.CaptureRefused,
        `the capture amount ${formatYen(amount)} exceeds the order amount ${formatYen(p.amount)}`,
      );
    totals();
    if (amount < p.capturedAmount)
      refuse(OrderFailureType.CaptureRefused, `${formatYen(p.capturedAmount)} is already captured`);
    const capturable = p.charges.filter((c) => c.state === 'Authorized').reduce((sum, c) => sum + c.amount, 0);
    if (amount - p.capturedAmount > capturable) {
      refuse(
        OrderFailureType.CaptureRefused,
        `only ${formatYen(capturable)} is authorized and not yet captured${capturable < authorizedTotal() ? ' (an authorization is still pending)' : ''}`,
      );
    }
    // Each authorization is captured once; an amount spread over several takes them in order.
    let remaining = amount - p.capturedAmount;
    for (const charge of p.charges) {
      if (remaining === 0) break;
      if (charge.state !== 'Authorized') continue;
      const part = Math.min(remaining, charge.amount);
      const result = await amazonCall(() =>
        amazon.captureCharge({ orderId, chargeId: charge.chargeId, amount: part, seq: nextRequest() }),
      ).catch(async (error: unknown) => {
        // Cut off by an outage: what was captured so far is recorded; capturing again finishes the rest.
        totals();
        await ctx.changed();
        throw error;
      });
      if (isRefusal(result)) {
        totals();
        await ctx.changed();
        refuse(
          OrderFailureType.CaptureRefused,
          `Amazon Pay refused the capture of ${charge.chargeId} (${result.reasonCode}).`,
          { reasonCode: result.reasonCode },
        );
      }
      Object.assign(charge, {
        state: result.state,
        reasonCode: result.reasonCode,
        capturedAmount: result.state === 'CaptureInitiated' ? part : result.capturedAmount,
      });
      remaining -= part;
    }
    // Authorizations not needed for this capture are released.
    for (const charge of p.charges) {
      if (charge.state === 'Authorized') {
        const canceled = await amazonCall(() =>
          amazon.cancelCharge({ chargeId: charge.chargeId, reason: 'Not needed after capture' }),
        );
        if (!isRefusal(canceled)) Object.assign(charge, { state: canceled.state, reasonCode: canceled.reasonCode });
      }
    }
    totals();
    // P1/P2: purchase points on what was captured become usable.
    await followChargedAmount(amount);
    const account = ctx.pointsAccount();
    if (account !== null && view.purchasePoints.state === 'pending') {
      await points.activatePendingPoints({ memberId: account, orderId });
      view.purchasePoints = { ...view.purchasePoints, state: 'usable' };
    }
    await ctx.changed('Captured');
    return view;
  }

  /** Before capture: cancel the authorizations, close the permission, give points and coupon back. */
  async function cancel(reason: string): Promise<OrderView> {
    requireStatus('Placed');
    await settleUnanswered();
    if (payment().capturedAmount > 0)
      refuse(
        OrderFailureType.CancelRefused,
        `${formatYen(payment().capturedAmount)} is already captured: finish the capture and refund instead`,
      );
    for (const charge of payment().charges) {
      if (!OPEN_AUTHORIZATION.includes(charge.state)) continue;
      const canceled = await amazonCall(() => amazon.cancelCharge({ chargeId: charge.chargeId, reason }));
      if (isRefusal(canceled))
        refuse(
          OrderFailureType.CancelRefused,
          `Amazon Pay refused to cancel ${charge.chargeId} (${canceled.reasonCode}).`,
        );
      Object.assign(charge, { state: canceled.state, reasonCode: canceled.reasonCode });
    }
    await amazonCall(() => amazon.closeChargePermission({ chargePermissionId: permissionId(), reason }));
    await undoPoints('cancel');
    if (view.memberId !== null && view.couponCode !== null)
      await store.releaseCoupon({ code: view.couponCode, memberId: view.memberId, orderId });
    await ctx.changed('Canceled');
    return view;
  }

  /**
   * Points when money goes back (domain/points.ts refundPointAdjustment): the README states the rule.
   * Refunds count once Amazon has made them (`Refunded`): a declined refund never touches points.
   */
  async function undoPoints(kind: 'cancel' | 'refund'): Promise<void> {
    const p = payment();
    const account = ctx.pointsAccount();
    if (kind === 'cancel' && account !== null && view.purchasePoints.state === 'pending') {
      await points.revokePendingPoints({ memberId: account, orderId });
      view.purchasePoints = { ...view.purchasePoints, state: 'revoked' };
    }
    const adjustment = refundPointAdjustment({
      kind,
      capturedAmount: p.capturedAmount,
      refundedTotal: p.refunds.filter((r) => r.state === 'Refunded').reduce((sum, r) => sum + r.amount, 0),
      // Pending points were revoked above; only usable ones are taken back from the balance.
      purchasePointsGranted: view.purchasePoints.state === 'usable' ? view.purchasePoints.points : 0,
      purchasePointsRevokedSoFar: p.purchasePointsRevoked,
      pointsUsed: view.pointsUsed,
      usedPointsReturnedSoFar: p.usedPointsReturned,
    });
    if (adjustment.revokePurchasePoints > 0 && account !== null) {
      await points.adjustPoints({
        memberId: account,
        key: `revoke:${orderId}:${p.purchasePointsRevoked + adjustment.revokePurchasePoints}`,
        points: -adjustment.revokePurchasePoints,
        reason: `refund of ${orderId}`,
      });
      p.purchasePointsRevoked += adjustment.revokePurchasePoints;
      if (p.purchasePointsRevoked >= view.purchasePoints.points)
        view.purchasePoints = { ...view.purchasePoints, state: 'revoked' };
    }
    if (adjustment.returnUsedPoints > 0 && view.memberId !== null) {
      await points.adjustPoints({
        memberId: view.memberId,
        key: `return-used:${orderId}`,
        points: adjustment.returnUsedPoints,
        reason: `${kind} of ${orderId}`,
      });
      p.usedPointsReturned += adjustment.returnUsedPoints;
    }
  }

  /** After a refund was made, changed state or was declined: status and points follow. */
  async function afterRefundChange(): Promise<void> {
    if (['Captured', 'PartiallyRefunded', 'Refunded'].includes(view.status)) view.status = refundStatus();
    await undoPoints('refund');
  }

  /** After capture: refund up to what was captured (initiated refunds count), spread over the captured charges. */
  async function refund(amount: number): Promise<OrderView> {
    requireStatus('Captured', 'PartiallyRefunded');
    await settleUnanswered();
    const p = payment();
    const refundedOf = (chargeId: string) =>
      p.refunds.filter((r) => r.chargeId === chargeId && r.state !== 'Declined').reduce((sum, r) => sum + r.amount, 0);
    // Only settled captures can be refunded (a CaptureInitiated one is still pending).
    const refundable = p.charges
      .filter((c) => c.state === 'Captured')
      .reduce((sum, c) => sum + c.capturedAmount - refundedOf(c.chargeId), 0);
    if (amount > refundable) {
      refuse(
        OrderFailureType.RefundRefused,
        `the refund ${formatYen(amount)} exceeds what can still be refunded (${formatYen(refundable)} of ${formatYen(p.capturedAmount)} captured)`,
        { refundable },
      );
    }
    let remaining = amount;
    for (const charge of p.charges) {
      if (remaining === 0) break;
      const open = charge.state === 'Captured' ? charge.capturedAmount - refundedOf(charge.chargeId) : 0;
      if (open <= 0) continue;
      const request: UnansweredRequest = {
        kind: 'refund',
        seq: nextRequest(),
        chargeId: charge.chargeId,
        amount: Math.min(open, remaining),
      };
      const result = await sendCreating(request, (api) =>
        api.refundCharge({ orderId, chargeId: request.chargeId, amount: request.amount, seq: request.seq }),
      );
      if (isRefusal(result)) {
        totals();
        await afterRefundChange();
        await ctx.changed();
        refuse(OrderFailureType.RefundRefused, `Amazon Pay refused the refund (${result.reasonCode}).`, {
          reasonCode: result.reasonCode,
        });
      }
      p.refunds.push({
        refundId: result.refundId,
        chargeId: charge.chargeId,
        amount: request.amount,
        state: result.state,
      });
      remaining -= request.amount;
    }
    totals();
    await afterRefundChange();
    await ctx.changed();
    return view;
  }

  /** Applies a re-read charge; true when something really changed. */
  function applyCharge(snapshot: ChargeSnapshot): boolean {
    const entry = payment().charges.find((c) => c.chargeId === snapshot.chargeId);
    if (entry === undefined) return false;
    const next = {
      state: snapshot.state,
      reasonCode: snapshot.reasonCode,
      capturedAmount: snapshot.capturedAmount,
      refundedAmount: snapshot.refundedAmount,
    };
    if (
      entry.state === next.state &&
      entry.capturedAmount === next.capturedAmount &&
      entry.refundedAmount === next.refundedAmount
    )
      return false;
    if (entry.state === 'AuthorizationInitiated' && next.state === 'Authorized')
      entry.authorizedAt = new Date().toISOString();
    if (next.state === 'Declined' && entry.state === 'AuthorizationInitiated') {
      payment().attention = `the extra authorization ${entry.chargeId} was declined (${next.reasonCode ?? 'Declined'}); the order amount is back to what is authorized`;
      payment().amount = Math.min(payment().amount, authorizedTotal() - entry.amount);
    }
    Object.assign(entry, next);
    totals();
    return true;
  }

  /** Applies a re-read refund; true when its state really changed. A declined refund is flagged for ops. */
  async function applyRefund(entry: RefundEntry, snapshot: RefundSnapshot): Promise<boolean> {
    if (snapshot.state === entry.state) return false;
    entry.state = snapshot.state;
    if (snapshot.state === 'Declined')
      payment().attention = `refund ${entry.refundId} of ${formatYen(entry.amount)} was declined by Amazon (${snapshot.reasonCode ?? 'Declined'}); it can be sent again`;
    totals();
    await afterRefundChange();
    return true;
  }

  /**
   * An authorization that came through only after the order was captured or canceled (a pending
   * increase) is not needed: release it instead of holding the buyer's money until it expires.
   */
  async function releaseLateAuthorizations(): Promise<boolean> {
    if (view.status === 'Placed') return false;
    let released = false;
    for (const charge of payment().charges.filter((c) => c.state === 'Authorized')) {
      const canceled = await amazonPatient.cancelCharge({
        chargeId: charge.chargeId,
        reason: 'Not needed: the order was captured or canceled',
      });
      if (!isRefusal(canceled)) Object.assign(charge, { state: canceled.state, reasonCode: canceled.reasonCode });
      released = true;
    }
    return released;
  }

  /** Re-reads what a notification names (a hint: duplicates and reordering change nothing). */
  async function onNotification(objectType: string, objectId: string): Promise<void> {
    if (view.payment === null) return;
    let changed = false;
    if (objectType === 'CHARGE' && payment().charges.some((c) => c.chargeId === objectId)) {
      changed = applyCharge(await amazonPatient.readCharge(objectId));
      changed = (await releaseLateAuthorizations()) || changed;
    } else if (objectType === 'REFUND') {
      const entry = payment().refunds.find((r) => r.refundId === objectId);
      if (entry !== undefined) changed = await applyRefund(entry, await amazonPatient.readRefund(objectId));
    } else if (objectType === 'CHARGE_PERMISSION' && objectId === view.chargePermissionId) {
      const permission = await amazonPatient.readChargePermission(objectId);
      changed =
        permission.amountBalance !== payment().amountBalance || permission.amountLimit !== payment().amountLimit;
      payment().amountLimit = permission.amountLimit;
      payment().amountBalance = permission.amountBalance;
      if (permission.state === 'Closed' && view.status === 'Placed' && payment().attention === null) {
        payment().attention = `Amazon closed the charge permission (${permission.reasonCode ?? 'Closed'}) before capture`;
        changed = true;
      }
    }
    if (changed) await ctx.changed();
  }

  /** Re-reads pending charges and refunds (no notification needed), and re-sends an unanswered request. */
  async function pollPending(): Promise<void> {
    let changed = false;
    for (const charge of payment().charges.filter((c) => PENDING_CHARGE.includes(c.state))) {
      changed = applyCharge(await amazonPatient.readCharge(charge.chargeId)) || changed;
    }
    changed = (await releaseLateAuthorizations()) || changed;
    for (const entry of payment().refunds.filter((r) => r.state === 'RefundInitiated')) {
      changed = (await applyRefund(entry, await amazonPatient.readRefund(entry.refundId))) || changed;
    }
    if (changed) await ctx.changed();
    const unanswered = payment().unanswered;
    if (unanswered !== null) await resend(unanswered, amazonPatient);
  }

  /**
   * An authorization reached its 30 days without capture: when Amazon has expired it, authorize the
   * same amount again within the charge permission; if that is impossible, flag the order for ops.
   */
  async function renewExpiredAuthorization(charge: ChargeEntry): Promise<void> {
    const current = await amazonPatient.readCharge(charge.chargeId);
    applyCharge(current);
    if (current.state === 'Authorized') {
      // Amazon's clock is behind ours: look again a little later.
      charge.authorizedAt = new Date(Date.now() - AUTHORIZATION_TTL_MS + EXPIRY_RECHECK_MS).toISOString();
      return;
    }
    if (current.state !== 'Canceled') return;
    const renewed = await amazonPatient.authorizeCharge({
      orderId,
      chargePermissionId: permissionId(),
      amount: charge.amount,
      seq: nextRequest(),
    });
    if (isRefusal(renewed) || renewed.state === 'Declined') {
      payment().attention = `authorization ${charge.chargeId} expired and could not be renewed (${isRefusal(renewed) ? renewed.reasonCode : (renewed.reasonCode ?? 'Declined')})`;
    } else {
      payment().charges.push(entryFrom(renewed, renewed.state === 'Authorized' ? new Date().toISOString() : null));
    }
    await ctx.changed();
  }

  /** 180 days: Amazon closes the permission; close it ourselves so nothing stays half-open. */
  async function closeAtPermissionExpiry(): Promise<void> {
    await amazonPatient.closeChargePermission({
      chargePermissionId: permissionId(),
      reason: 'Charge permission reached 180 days',
    });
    if (view.status === 'Placed' && payment().capturedAmount === 0) {
      payment().attention = 'the charge permission closed after 180 days without capture';
      await undoPoints('cancel');
      await ctx.changed('Canceled');
      return;
    }
    if (view.status === 'Placed') {
      // A capture cut off and never finished: what was captured stands.
      payment().attention = `the charge permission closed after 180 days with ${formatYen(payment().capturedAmount)} of ${formatYen(payment().amount)} captured`;
      await ctx.changed('Captured');
      return;
    }
    await ctx.changed();
  }

  /** When the loop must next wake up by itself, and what is due then. */
  function nextDeadline(now: number): number {
    const p = payment();
    const deadlines = [Date.parse(p.permissionClosesAt)];
    if (view.status === 'Placed') {
      for (const charge of p.charges) {
        if (charge.state === 'Authorized' && charge.authorizedAt !== null)
          deadlines.push(Date.parse(charge.authorizedAt) + AUTHORIZATION_TTL_MS);
      }
    }
    if (
      p.unanswered !== null ||
      p.charges.some((c) => PENDING_CHARGE.includes(c.state)) ||
      p.refunds.some((r) => r.state === 'RefundInitiated')
    )
      deadlines.push(now + PENDING_POLL_MS);
    return Math.min(...deadlines);
  }

  /** Runs what is due; true once the order's payment life is over (permission closed). */
  async function runDue(now: number): Promise<boolean> {
    await pollPending();
    if (view.status === 'Placed') {
      for (const charge of [...payment().charges]) {
        if (
          charge.state === 'Authorized' &&
          charge.authorizedAt !== null &&
          now >= Date.parse(charge.authorizedAt) + AUTHORIZATION_TTL_MS
        ) {
          await renewExpiredAuthorization(charge);
        }
      }
    }
    if (now >= Date.parse(payment().permissionClosesAt)) {
      await closeAtPermissionExpiry();
      return true;
    }
    return false;
  }

  /** Nothing more can happen to the money: canceled, or fully refunded with nothing pending or unanswered. */
  function settled(): boolean {
    if (view.status === 'Canceled') return true;
    const p = payment();
    return view.status === 'Refunded' && p.unanswered === null && !p.refunds.some((r) => r.state === 'RefundInitiated');
  }

  return { changeAmount, capture, cancel, refund, onNotification, nextDeadline, runDue, settled };
}

export type PaymentOperations = ReturnType<typeof createPaymentOperations>;
