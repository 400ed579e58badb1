/**
 * After placement (lifecycle steps 6–7, docs/architecture.md): ops operations on the money — change
 * amount (A2, A3), capture (A1; purchase points become usable, P1/P2), cancel, refund (≤ captured;
 * points by the refund rule) — plus the durable timers (authorization expiry at 30 days, the charge
 * permission at 180 days) and re-reading Amazon objects after a notification or while something is
 * pending. Every operation runs under the order's lock, so operations on one order never interleave.
 */
import { ActivityFailure, condition, patched } from '@temporalio/workflow';
import type { ChargeSnapshot } from '../../activities/checkout.js';
import type { RefundSnapshot } from '../../activities/payments.js';
import { decideAmountChange, OPEN_AUTHORIZATION, type AmountChangeDecision } from '../../domain/amount-limits.js';
import {
  alreadyCapturedMessage,
  AMAZON_UNAVAILABLE_MESSAGE,
  authorizationNotRenewedNote,
  cancelAfterCaptureMessage,
  cancelRefusedMessage,
  captureExceedsAmountMessage,
  captureExceedsAuthorizedMessage,
  captureRefusedMessage,
  increaseDeclinedMessage,
  increaseDeclinedNote,
  increaseRefusedMessage,
  PERMISSION_EXPIRED_UNCAPTURED_NOTE,
  permissionClosedNote,
  permissionExpiredPartlyCapturedNote,
  refundDeclinedNote,
  refundExceedsMessage,
  refundRefusedMessage,
} from '../../domain/messages.js';
import { purchasePointsForCharge, refundPointAdjustment } from '../../domain/points.js';
import { amazonForOps, amazonInBackground, couponFollowUp, followUp } from './activities.js';
import { amazonCall, isRefusal, refuse } from './failures.js';
import type { Order } from './state.js';
import {
  OrderFailureType,
  type ChargeEntry,
  type NotificationHint,
  type OrderStatus,
  type OrderView,
  type PaymentView,
  type RefundEntry,
  type UnansweredRequest,
} from './definitions.js';

const AUTHORIZATION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const CHARGE_PERMISSION_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/** How soon to look at an expired authorization's charge again when Amazon has not expired it yet. */
const EXPIRY_RECHECK_MS = 6 * 60 * 60 * 1000;
const PENDING_POLL_MS = 60_000;

const PENDING_CHARGE = ['AuthorizationInitiated', 'CaptureInitiated'];
/** The patch marker of the renewal of a pending authorization found expired (workflow versioning). */
const RENEW_EXPIRED_PENDING_CHARGE = 'renew-expired-pending-charge';
/** The patch marker of giving the coupon back when an order never captured is canceled at 180 days. */
const EXPIRED_CANCEL_RELEASES_COUPON = 'expired-cancel-releases-coupon';

/** Amazon's answers to these reasons are kept in its records; they are the shop's, not a buyer's. */
const NOT_NEEDED_AFTER_CAPTURE = 'Not needed after capture';
const NOT_NEEDED_LATE = 'Not needed: the order was captured or canceled';
const PERMISSION_REACHED_180_DAYS = 'Charge permission reached 180 days';

/** The POSTs that create money at Amazon, under the caller's retry policy (ops waiting, or nobody). */
type AmazonMoney = Pick<typeof amazonInBackground, 'authorizeCharge' | 'refundCharge'>;

/** The ops Updates' arguments, checked before they are accepted (the API checks them first). */
export function requireWholeYen(value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new Error('amount must be a whole yen amount of at least 1');
}
export function requireReason(reason: unknown): void {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 200)
    throw new Error('reason: 1–200 characters');
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

export class Payment {
  /** Notifications after placement, re-read in order by `run`. */
  private readonly notifications: NotificationHint[] = [];

  constructor(private readonly order: Order) {}

  private get view(): OrderView {
    return this.order.view;
  }
  private get payment(): PaymentView {
    return this.order.payment();
  }
  private get orderId(): string {
    return this.order.orderId;
  }

  /** After placement: ops updates, notifications, pending objects, and the 30/180-day timers. */
  async run(): Promise<void> {
    while (this.view.payment !== null && !this.settled()) {
      const seenVersion = this.view.version;
      const deadline = this.nextDeadline(Date.now());
      await condition(
        () => this.notifications.length > 0 || this.view.version !== seenVersion,
        Math.max(1, deadline - Date.now()),
      );
      const over = await this.order.exclusively(async () => {
        for (let hint = this.notifications.shift(); hint !== undefined; hint = this.notifications.shift())
          await this.reread(hint);
        return Date.now() >= deadline ? this.runDue(Date.now()) : false;
      });
      if (over) break;
    }
  }

  /** An Amazon Pay notification about one of the order's objects (a hint: `run` re-reads it). */
  notice(hint: NotificationHint): void {
    if (this.view.payment !== null) this.notifications.push(hint);
  }

  /** A2/A3: checked in domain/ first, then against Amazon's remaining balance. */
  async changeAmount(amount: number): Promise<OrderView> {
    this.order.requireStatus('Placed');
    await this.settleUnanswered();
    const base = {
      orderAmount: this.payment.orderAmount,
      authorizedAmount: this.authorizedTotal(),
      requestedAmount: amount,
      paymentMethod: this.view.paymentMethod?.kind ?? 'card',
      captured: this.payment.capturedAmount > 0,
    } as const;
    const first = decideAmountChange(base);
    requireAllowed(first);
    if (first.change === 'raise') {
      const amountBalance = await this.readPermissionLimits();
      requireAllowed(decideAmountChange({ ...base, amountBalance }));
      await this.authorizeIncrease(amount);
    }
    // Lowering needs no Amazon call: the capture takes the lower amount and Amazon releases the rest.
    this.payment.amount = amount;
    await this.followChargedAmount(amount);
    await this.readPermissionLimits();
    await this.order.commit();
    return this.view;
  }

  /**
   * A1: capture at shipment, the current amount or part of it. The amount is what the order's
   * capture comes to in total: a capture cut off by an outage is finished by asking again, and what
   * Amazon already captured is read back first (Amazon never captures one charge twice).
   */
  async capture(requested: number | undefined): Promise<OrderView> {
    this.order.requireStatus('Placed');
    await this.settleUnanswered();
    const p = this.payment;
    for (const charge of p.charges.filter((c) => OPEN_AUTHORIZATION.includes(c.state)))
      this.applyCharge(await amazonCall(() => amazonForOps.readCharge(charge.chargeId)));
    const amount = requested ?? p.amount;
    this.requireCapturable(amount);
    await this.captureAuthorizations(amount - p.capturedAmount);
    // Authorizations not needed for this capture are released.
    for (const charge of p.charges) {
      if (charge.state === 'Authorized') {
        const canceled = await amazonCall(() =>
          amazonForOps.cancelCharge({ chargeId: charge.chargeId, reason: NOT_NEEDED_AFTER_CAPTURE }),
        );
        if (!isRefusal(canceled)) Object.assign(charge, { state: canceled.state, reasonCode: canceled.reasonCode });
      }
    }
    this.totals();
    // P1/P2: purchase points on what was captured become usable.
    await this.followChargedAmount(amount);
    const account = this.pointsAccount();
    if (account !== null && this.view.purchasePoints.state === 'pending') {
      await followUp.activatePendingPoints({ memberId: account, orderId: this.orderId });
      this.view.purchasePoints = { ...this.view.purchasePoints, state: 'usable' };
    }
    await this.order.commit('Captured');
    this.order.mails.send({ kind: 'captured', amount });
    return this.view;
  }

  /** Before capture: cancel the authorizations, close the permission, give points and coupon back. */
  async cancel(reason: string): Promise<OrderView> {
    this.order.requireStatus('Placed');
    await this.settleUnanswered();
    if (this.payment.capturedAmount > 0)
      refuse(OrderFailureType.CancelRefused, cancelAfterCaptureMessage(this.payment.capturedAmount));
    for (const charge of this.payment.charges) {
      if (!OPEN_AUTHORIZATION.includes(charge.state)) continue;
      const canceled = await amazonCall(() => amazonForOps.cancelCharge({ chargeId: charge.chargeId, reason }));
      if (isRefusal(canceled))
        refuse(OrderFailureType.CancelRefused, cancelRefusedMessage(charge.chargeId, canceled.reasonCode));
      Object.assign(charge, { state: canceled.state, reasonCode: canceled.reasonCode });
    }
    await amazonCall(() =>
      amazonForOps.closeChargePermission({ chargePermissionId: this.order.chargePermissionId(), reason }),
    );
    await this.undoPoints('cancel');
    await this.releaseCoupon();
    await this.order.commit('Canceled');
    this.order.mails.send({ kind: 'canceled' });
    return this.view;
  }

  /** Gives the member's coupon back: a canceled order no longer holds it (one use per member and code). */
  private async releaseCoupon(): Promise<void> {
    const { memberId, couponCode } = this.view;
    if (memberId !== null && couponCode !== null)
      await couponFollowUp.releaseCoupon({ code: couponCode, memberId, orderId: this.orderId });
  }

  /** After capture: refund up to what was captured (initiated refunds count), spread over the captured charges. */
  async refund(amount: number): Promise<OrderView> {
    this.order.requireStatus('Captured', 'PartiallyRefunded');
    await this.settleUnanswered();
    const p = this.payment;
    // Only settled captures can be refunded (a CaptureInitiated one is still pending).
    const refundable = p.charges
      .filter((c) => c.state === 'Captured')
      .reduce((sum, c) => sum + c.capturedAmount - this.refundedOf(c.chargeId), 0);
    if (amount > refundable)
      refuse(OrderFailureType.RefundRefused, refundExceedsMessage(amount, refundable, p.capturedAmount), {
        refundable,
      });
    const refundsBefore = p.refunds.length;
    let remaining = amount;
    for (const charge of p.charges) {
      if (remaining === 0) break;
      const open = charge.state === 'Captured' ? charge.capturedAmount - this.refundedOf(charge.chargeId) : 0;
      if (open <= 0) continue;
      remaining -= await this.refundFrom(charge, Math.min(open, remaining));
    }
    this.totals();
    await this.afterRefundChange();
    await this.order.commit();
    const first = p.refunds[refundsBefore];
    if (first !== undefined) this.order.mails.send({ kind: 'refunded', amount, refundId: first.refundId });
    return this.view;
  }

  // ---- Change amount ----

  /** Raising: an extra authorization for the difference, so the original one stays if Amazon declines. */
  private async authorizeIncrease(target: number): Promise<void> {
    const request: UnansweredRequest = {
      kind: 'increase',
      seq: this.nextRequest(),
      amount: target - this.authorizedTotal(),
      target,
    };
    const extra = await this.sendCreating(request, () =>
      amazonForOps.authorizeCharge({
        orderId: this.orderId,
        chargePermissionId: this.order.chargePermissionId(),
        amount: request.amount,
        seq: request.seq,
      }),
    );
    if (isRefusal(extra))
      refuse(OrderFailureType.AmountChangeRefused, increaseRefusedMessage(extra.reasonCode), {
        reasonCode: extra.reasonCode,
      });
    this.payment.charges.push(entryFrom(extra, extra.state === 'Authorized' ? new Date().toISOString() : null));
    if (extra.state === 'Declined') {
      await this.order.commit();
      refuse(OrderFailureType.AmountChangeRefused, increaseDeclinedMessage(extra.reasonCode ?? 'Declined'), {
        reasonCode: extra.reasonCode,
      });
    }
  }

  /** A2: the charge permission's limits, kept in the view; answers the balance still open. */
  private async readPermissionLimits(): Promise<number> {
    const permission = await amazonCall(() => amazonForOps.readChargePermission(this.order.chargePermissionId()));
    this.payment.amountLimit = permission.amountLimit;
    this.payment.amountBalance = permission.amountBalance;
    return permission.amountBalance;
  }

  // ---- Capture ----

  private requireCapturable(amount: number): void {
    const p = this.payment;
    if (amount > p.amount) refuse(OrderFailureType.CaptureRefused, captureExceedsAmountMessage(amount, p.amount));
    this.totals();
    if (amount < p.capturedAmount) refuse(OrderFailureType.CaptureRefused, alreadyCapturedMessage(p.capturedAmount));
    const capturable = p.charges.filter((c) => c.state === 'Authorized').reduce((sum, c) => sum + c.amount, 0);
    if (amount - p.capturedAmount > capturable)
      refuse(
        OrderFailureType.CaptureRefused,
        captureExceedsAuthorizedMessage(capturable, capturable < this.authorizedTotal()),
      );
  }

  /** Each authorization is captured once; an amount spread over several takes them in order. */
  private async captureAuthorizations(amount: number): Promise<void> {
    let remaining = amount;
    for (const charge of this.payment.charges) {
      if (remaining === 0) break;
      if (charge.state !== 'Authorized') continue;
      const part = Math.min(remaining, charge.amount);
      const result = await amazonCall(() =>
        amazonForOps.captureCharge({
          orderId: this.orderId,
          chargeId: charge.chargeId,
          amount: part,
          seq: this.nextRequest(),
        }),
      ).catch(async (error: unknown) => {
        // Cut off by an outage: what was captured so far is recorded; capturing again finishes the rest.
        this.totals();
        await this.order.commit();
        throw error;
      });
      if (isRefusal(result)) {
        this.totals();
        await this.order.commit();
        refuse(OrderFailureType.CaptureRefused, captureRefusedMessage(charge.chargeId, result.reasonCode), {
          reasonCode: result.reasonCode,
        });
      }
      Object.assign(charge, {
        state: result.state,
        reasonCode: result.reasonCode,
        capturedAmount: result.state === 'CaptureInitiated' ? part : result.capturedAmount,
      });
      remaining -= part;
    }
  }

  // ---- Refund ----

  private refundedOf(chargeId: string): number {
    return this.payment.refunds
      .filter((r) => r.chargeId === chargeId && r.state !== 'Declined')
      .reduce((sum, r) => sum + r.amount, 0);
  }

  /** One refund from one captured charge; returns the amount asked back. */
  private async refundFrom(charge: ChargeEntry, amount: number): Promise<number> {
    const request: UnansweredRequest = { kind: 'refund', seq: this.nextRequest(), chargeId: charge.chargeId, amount };
    const result = await this.sendCreating(request, () =>
      amazonForOps.refundCharge({ orderId: this.orderId, chargeId: request.chargeId, amount, seq: request.seq }),
    );
    if (isRefusal(result)) {
      this.totals();
      await this.afterRefundChange();
      await this.order.commit();
      refuse(OrderFailureType.RefundRefused, refundRefusedMessage(result.reasonCode), {
        reasonCode: result.reasonCode,
      });
    }
    this.payment.refunds.push({ refundId: result.refundId, chargeId: charge.chargeId, amount, state: result.state });
    return amount;
  }

  /** After a refund was made, changed state or was declined: status and points follow. */
  private async afterRefundChange(): Promise<void> {
    if (['Captured', 'PartiallyRefunded', 'Refunded'].includes(this.view.status))
      this.view.status = this.refundStatus();
    await this.undoPoints('refund');
  }

  /** After capture, the status says what has been asked back (refunds Amazon declined do not count). */
  private refundStatus(): OrderStatus {
    const p = this.payment;
    if (p.refundedAmount === 0) return 'Captured';
    return p.refundedAmount >= p.capturedAmount ? 'Refunded' : 'PartiallyRefunded';
  }

  // ---- Requests whose answer never came ----

  /**
   * The sequence number of a new Amazon POST's idempotency key. Every new request (a new attempt by
   * staff included, even for the same amount) gets its own; activity retries of one request reuse
   * it, and so does re-sending a request whose answer never came (see `settleUnanswered`).
   */
  private nextRequest(): number {
    const seq = this.payment.amazonRequests;
    this.payment.amazonRequests = seq + 1;
    return seq;
  }

  /**
   * Sends a POST that creates money at Amazon (an authorization, a refund). When Amazon cannot be
   * reached, its outcome is unknown: it is kept as unanswered and sent again with the same key and
   * body before anything else, so it happens at most once whatever staff do next.
   */
  private async sendCreating<T>(request: UnansweredRequest, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      this.payment.unanswered = request;
      await this.order.commit();
      return refuse(OrderFailureType.AmazonUnavailable, AMAZON_UNAVAILABLE_MESSAGE);
    }
  }

  /** Before a new operation: the unanswered request first (Amazon still unreachable: try later). */
  private async settleUnanswered(): Promise<void> {
    const request = this.payment.unanswered;
    if (request === null) return;
    await amazonCall(() => this.resend(request, amazonForOps));
  }

  /** Applies the answer to an unanswered request; `amazon` is the caller's retry policy. */
  private async resend(request: UnansweredRequest, amazon: AmazonMoney): Promise<void> {
    const p = this.payment;
    if (request.kind === 'refund') {
      const result = await amazon.refundCharge({
        orderId: this.orderId,
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
      const result = await amazon.authorizeCharge({
        orderId: this.orderId,
        chargePermissionId: this.order.chargePermissionId(),
        amount: request.amount,
        seq: request.seq,
      });
      if (!isRefusal(result)) {
        p.charges.push(entryFrom(result, result.state === 'Authorized' ? new Date().toISOString() : null));
        if (result.state !== 'Declined') p.amount = request.target;
      }
    }
    p.unanswered = null;
    this.totals();
    if (request.kind === 'refund') await this.afterRefundChange();
    await this.order.commit();
  }

  // ---- Points (P1, P2, and the refund rule) ----

  /** The member whose points this order touches (the buyer, or the member registered at purchase). */
  private pointsAccount(): string | null {
    return this.order.memberId ?? this.view.registeredMemberId;
  }

  /** P1/P2: pending purchase points follow the amount the buyer will be charged (domain/points.ts). */
  private async followChargedAmount(charged: number): Promise<void> {
    const account = this.pointsAccount();
    if (account === null || this.view.purchasePoints.state !== 'pending') return;
    const earned = purchasePointsForCharge({
      base: this.view.totals.purchasePointsBase,
      orderAmount: this.payment.orderAmount,
      charged,
      ratePercent: this.order.settings.pointsRatePercent,
    });
    if (earned === this.view.purchasePoints.points) return;
    await followUp.grantPendingPoints({ memberId: account, orderId: this.orderId, points: earned });
    this.view.purchasePoints = { points: earned, state: 'pending' };
  }

  /**
   * Points when money goes back (domain/points.ts refundPointAdjustment): the README states the rule.
   * Refunds count once Amazon has made them (`Refunded`): a declined refund never touches points.
   */
  private async undoPoints(kind: 'cancel' | 'refund'): Promise<void> {
    const p = this.payment;
    const { view, orderId } = this;
    const account = this.pointsAccount();
    if (kind === 'cancel' && account !== null && view.purchasePoints.state === 'pending') {
      await followUp.revokePendingPoints({ memberId: account, orderId });
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
      await followUp.adjustPoints({
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
      await followUp.adjustPoints({
        memberId: view.memberId,
        key: `return-used:${orderId}`,
        points: adjustment.returnUsedPoints,
        reason: `${kind} of ${orderId}`,
      });
      p.usedPointsReturned += adjustment.returnUsedPoints;
    }
  }

  // ---- What Amazon says later (notifications, polls) ----

  /** Re-reads what a notification names (a hint: duplicates and reordering change nothing). */
  private async reread({ objectType, objectId }: NotificationHint): Promise<void> {
    if (this.view.payment === null) return;
    let changed = false;
    if (objectType === 'CHARGE' && this.payment.charges.some((c) => c.chargeId === objectId)) {
      changed = this.applyCharge(await amazonInBackground.readCharge(objectId));
      changed = (await this.releaseLateAuthorizations()) || changed;
    } else if (objectType === 'REFUND') {
      const entry = this.payment.refunds.find((r) => r.refundId === objectId);
      if (entry !== undefined) changed = await this.applyRefund(entry, await amazonInBackground.readRefund(objectId));
    } else if (objectType === 'CHARGE_PERMISSION' && objectId === this.view.chargePermissionId) {
      changed = await this.rereadPermission(objectId);
    }
    if (changed) await this.order.commit();
  }

  /** The permission's limits; closed by Amazon before capture, the order is flagged for ops. */
  private async rereadPermission(chargePermissionId: string): Promise<boolean> {
    const p = this.payment;
    const permission = await amazonInBackground.readChargePermission(chargePermissionId);
    let changed = permission.amountBalance !== p.amountBalance || permission.amountLimit !== p.amountLimit;
    p.amountLimit = permission.amountLimit;
    p.amountBalance = permission.amountBalance;
    if (permission.state === 'Closed' && this.view.status === 'Placed' && p.attention === null) {
      p.attention = permissionClosedNote(permission.reasonCode ?? 'Closed');
      changed = true;
    }
    return changed;
  }

  /** Applies a re-read charge; true when something really changed. */
  private applyCharge(snapshot: ChargeSnapshot): boolean {
    const entry = this.payment.charges.find((c) => c.chargeId === snapshot.chargeId);
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
      this.payment.attention = increaseDeclinedNote(entry.chargeId, next.reasonCode ?? 'Declined');
      this.payment.amount = Math.min(this.payment.amount, this.authorizedTotal() - entry.amount);
    }
    Object.assign(entry, next);
    this.totals();
    return true;
  }

  /** Applies a re-read refund; true when its state really changed. A declined refund is flagged for ops. */
  private async applyRefund(entry: RefundEntry, snapshot: RefundSnapshot): Promise<boolean> {
    if (snapshot.state === entry.state) return false;
    entry.state = snapshot.state;
    if (snapshot.state === 'Declined')
      this.payment.attention = refundDeclinedNote(entry.refundId, entry.amount, snapshot.reasonCode ?? 'Declined');
    this.totals();
    await this.afterRefundChange();
    return true;
  }

  /**
   * An authorization that came through only after the order was captured or canceled (a pending
   * increase) is not needed: release it instead of holding the buyer's money until it expires.
   */
  private async releaseLateAuthorizations(): Promise<boolean> {
    if (this.view.status === 'Placed') return false;
    let released = false;
    for (const charge of this.payment.charges.filter((c) => c.state === 'Authorized')) {
      const canceled = await amazonInBackground.cancelCharge({ chargeId: charge.chargeId, reason: NOT_NEEDED_LATE });
      if (!isRefusal(canceled)) Object.assign(charge, { state: canceled.state, reasonCode: canceled.reasonCode });
      released = true;
    }
    return released;
  }

  /** Re-reads pending charges and refunds (no notification needed), and re-sends an unanswered request. */
  private async pollPending(): Promise<void> {
    let changed = false;
    for (const charge of this.payment.charges.filter((c) => PENDING_CHARGE.includes(c.state))) {
      const wasPending = charge.state === 'AuthorizationInitiated';
      changed = this.applyCharge(await amazonInBackground.readCharge(charge.chargeId)) || changed;
      // Amazon authorized it, and it expired before the order looked again (its workers away for 30
      // days): renewed like any expired authorization. Behind a patch marker: histories recorded
      // before this branch existed replay without it (README, "Changing workflow code").
      if (
        wasPending &&
        charge.state === 'Canceled' &&
        charge.reasonCode === 'ExpiredUnused' &&
        this.view.status === 'Placed' &&
        patched(RENEW_EXPIRED_PENDING_CHARGE)
      )
        await this.reauthorize(charge);
    }
    changed = (await this.releaseLateAuthorizations()) || changed;
    for (const entry of this.payment.refunds.filter((r) => r.state === 'RefundInitiated')) {
      changed = (await this.applyRefund(entry, await amazonInBackground.readRefund(entry.refundId))) || changed;
    }
    if (changed) await this.order.commit();
    const unanswered = this.payment.unanswered;
    if (unanswered !== null) await this.resend(unanswered, amazonInBackground);
  }

  // ---- Timers ----

  /** When `run` must next wake up by itself, and what is due then. */
  private nextDeadline(now: number): number {
    const p = this.payment;
    const deadlines = [Date.parse(p.permissionClosesAt)];
    if (this.view.status === 'Placed') {
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
  private async runDue(now: number): Promise<boolean> {
    await this.pollPending();
    if (this.view.status === 'Placed') {
      for (const charge of [...this.payment.charges]) {
        if (
          charge.state === 'Authorized' &&
          charge.authorizedAt !== null &&
          now >= Date.parse(charge.authorizedAt) + AUTHORIZATION_TTL_MS
        ) {
          await this.renewExpiredAuthorization(charge);
        }
      }
    }
    if (now >= Date.parse(this.payment.permissionClosesAt)) {
      await this.closeAtPermissionExpiry();
      return true;
    }
    return false;
  }

  /**
   * An authorization reached its 30 days without capture: when Amazon has expired it, authorize the
   * same amount again within the charge permission; if that is impossible, flag the order for ops.
   */
  private async renewExpiredAuthorization(charge: ChargeEntry): Promise<void> {
    const current = await amazonInBackground.readCharge(charge.chargeId);
    this.applyCharge(current);
    if (current.state === 'Authorized') {
      // Amazon's clock is behind ours: look again a little later.
      charge.authorizedAt = new Date(Date.now() - AUTHORIZATION_TTL_MS + EXPIRY_RECHECK_MS).toISOString();
      return;
    }
    if (current.state !== 'Canceled') return;
    await this.reauthorize(charge);
  }

  /** Authorizes an expired charge's amount again within the permission, or flags the order for ops. */
  private async reauthorize(charge: ChargeEntry): Promise<void> {
    const renewed = await amazonInBackground.authorizeCharge({
      orderId: this.orderId,
      chargePermissionId: this.order.chargePermissionId(),
      amount: charge.amount,
      seq: this.nextRequest(),
    });
    if (isRefusal(renewed) || renewed.state === 'Declined') {
      const reasonCode = isRefusal(renewed) ? renewed.reasonCode : (renewed.reasonCode ?? 'Declined');
      this.payment.attention = authorizationNotRenewedNote(charge.chargeId, reasonCode);
    } else {
      this.payment.charges.push(entryFrom(renewed, renewed.state === 'Authorized' ? new Date().toISOString() : null));
    }
    await this.order.commit();
  }

  /** 180 days: Amazon closes the permission; close it ourselves so nothing stays half-open. */
  private async closeAtPermissionExpiry(): Promise<void> {
    const p = this.payment;
    await amazonInBackground.closeChargePermission({
      chargePermissionId: this.order.chargePermissionId(),
      reason: PERMISSION_REACHED_180_DAYS,
    });
    if (this.view.status === 'Placed' && p.capturedAmount === 0) {
      p.attention = PERMISSION_EXPIRED_UNCAPTURED_NOTE;
      await this.undoPoints('cancel');
      // The member may use the coupon again, as after a cancel by staff (behind a patch marker:
      // orders canceled at 180 days before this replay without it).
      if (patched(EXPIRED_CANCEL_RELEASES_COUPON)) await this.releaseCoupon();
      await this.order.commit('Canceled');
      // The buyer's order is canceled without their asking: they are told, and why (behind a patch
      // marker of its own, mails.ts: orders that expired before this mail replay without it).
      this.order.mails.send({ kind: 'canceled', expired: true });
      return;
    }
    if (this.view.status === 'Placed') {
      // A capture cut off and never finished: what was captured stands.
      p.attention = permissionExpiredPartlyCapturedNote(p.capturedAmount, p.amount);
      await this.order.commit('Captured');
      return;
    }
    await this.order.commit();
  }

  /** Nothing more can happen to the money: canceled, or fully refunded with nothing pending or unanswered. */
  private settled(): boolean {
    if (this.view.status === 'Canceled') return true;
    const p = this.payment;
    return (
      this.view.status === 'Refunded' && p.unanswered === null && !p.refunds.some((r) => r.state === 'RefundInitiated')
    );
  }

  // ---- Sums ----

  private authorizedTotal(): number {
    return this.payment.charges
      .filter((c) => OPEN_AUTHORIZATION.includes(c.state))
      .reduce((sum, c) => sum + c.amount, 0);
  }

  private totals(): void {
    const p = this.payment;
    p.capturedAmount = p.charges.reduce((sum, c) => sum + c.capturedAmount, 0);
    p.refundedAmount = p.refunds.filter((r) => r.state !== 'Declined').reduce((sum, r) => sum + r.amount, 0);
  }
}

/** A2, A3: the domain's refusal, with its reason and the limits ops need to pick another amount. */
function requireAllowed(
  decision: AmountChangeDecision,
): asserts decision is Extract<AmountChangeDecision, { ok: true }> {
  if (!decision.ok)
    refuse(OrderFailureType.AmountChangeRefused, decision.message, {
      reason: decision.reason,
      amountLimit: decision.amountLimit,
      remainingIncrease: decision.remainingIncrease,
    });
}

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
