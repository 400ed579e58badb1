/**
 * Checkout, lifecycle steps 1–5 (docs/architecture.md): checkout created → Amazon return (R3, C7) →
 * order procedure (C3–C6) → 「注文確定」 (A1: the amount at Amazon) → complete → placed (C4, C8, L7,
 * L8, M1, M2, P1, P2). A checkout not completed in 24 hours is abandoned; a pending authorization
 * is waited for (notification or poll) up to 48 hours. Each step runs under the order's lock.
 */
import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import type { AmazonRefusal, ChargeSnapshot, CheckoutSessionSnapshot } from '../../activities/checkout.js';
import type { MemberSnapshot } from '../../activities/orders.js';
import { checkShippingAddress, checkSingleShippingAddress, type UsableShippingAddress } from '../../domain/address.js';
import { tokyoDate } from '../../domain/calendar.js';
import { applyCoupon, type AppliedCoupon } from '../../domain/coupon.js';
import {
  ADDITIONAL_INFORMATION_REQUIRED_MESSAGE,
  ADDRESS_UNUSABLE_MESSAGE,
  CHECK_INPUT_MESSAGE,
  CHECKOUT_ABANDONED_MESSAGE,
  CHECKOUT_CANCELED_MESSAGE,
  COUPON_ALREADY_USED_MESSAGE,
  COUPON_NOT_FOUND_MESSAGE,
  ORDER_STATE_MESSAGE,
  PAYMENT_DECLINED_MESSAGE,
  POINTS_NOT_RESERVED_MESSAGE,
  registrationRefusedMessage,
  SESSION_MISMATCH_MESSAGE,
  SINGLE_DESTINATION_MESSAGE,
} from '../../domain/messages.js';
import {
  canConfirm,
  ordererFromAmazon,
  orderPreferenceFields,
  parseOrderProcedure,
  type OrderProcedure,
} from '../../domain/order-procedure.js';
import { classifyPaymentDescriptor, shopMemoLine } from '../../domain/payment-method.js';
import { checkPointsToUse, purchasePoints, purchasePointsEligible } from '../../domain/points.js';
import { computeTotals, type Totals } from '../../domain/totals.js';
import { amazonForBuyer, amazonInBackground, followUp, pointsForBuyer, shopForBuyer } from './activities.js';
import { amazonCall, isRefusal, refuse } from './failures.js';
import { initialPayment } from './payment.js';
import type { Order } from './state.js';
import {
  FINAL_CHECKOUT_STATUSES,
  OrderFailureType,
  type NotificationHint,
  type OrderView,
  type PaymentMethodView,
  type ProcedureForm,
} from './definitions.js';

const CHECKOUT_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a pending authorization is waited for before the order is given up (Amazon: up to 24 h). */
const PENDING_AUTHORIZATION_LIMIT_MS = 48 * 60 * 60 * 1000;
const POLL_FIRST_MS = 30_000;
const POLL_MAX_MS = 10 * 60_000;

/** The amazonReturn Update's argument, checked before it is accepted (the API checks it first). */
export function requireCheckoutSessionId(checkoutSessionId: unknown): void {
  if (typeof checkoutSessionId !== 'string' || !/^[0-9a-f-]{36}$/i.test(checkoutSessionId))
    throw new Error('amazonCheckoutSessionId must be a checkout session id');
}

export class Checkout {
  /** The coupon the saved form applies (C5), reserved at 「注文確定」. */
  private appliedCoupon: AppliedCoupon | null = null;
  private couponReserved = false;
  private pointsReserved = false;
  /** A member's newsletter / mobile-mail choices at Amazon return (C8: copied to the order). */
  private memberPreferences: { newsletter: boolean | null; mobileMail: boolean | null } | null = null;
  /** A notification named the order's charge: the pending-authorization poll looks now. */
  private authorizationHint = false;

  constructor(private readonly order: Order) {}

  private get view(): OrderView {
    return this.order.view;
  }

  /** Runs until the checkout is over: placed, failed or abandoned. */
  async run(): Promise<void> {
    const deadline = Date.parse(this.view.createdAt) + CHECKOUT_TTL_MS;
    while (!FINAL_CHECKOUT_STATUSES.includes(this.order.status)) {
      if (this.order.status === 'Authorizing') {
        await this.awaitAuthorization();
        continue;
      }
      const remaining = deadline - Date.now();
      const progressed =
        remaining > 0 &&
        (await condition(() => ['Authorizing', 'Placed', 'Failed'].includes(this.order.status), remaining));
      if (!progressed) await this.order.exclusively(() => this.abandon());
    }
  }

  /** An Amazon Pay notification: about the pending charge, the poll looks at once. */
  notice({ objectType, objectId }: NotificationHint): void {
    if (objectType === 'CHARGE' && objectId === this.view.chargeId) this.authorizationHint = true;
  }

  /** Step 2: back from Amazon with a buyer, one usable address (R3, C7) and a payment method. */
  async returnFromAmazon(checkoutSessionId: string): Promise<OrderView> {
    this.order.requireStatus('CheckoutCreated', 'AddressSelected', 'ProcedureEntered');
    const session = await this.openSessionOfThisOrder(checkoutSessionId);
    this.view.checkoutSessionId = checkoutSessionId;
    if (session.buyer === null)
      refuse(OrderFailureType.InvalidState, ORDER_STATE_MESSAGE, { reason: 'buyer_not_signed_in' });
    const address = usableDestination(session);
    this.view.buyer = { buyerId: session.buyer.buyerId, name: session.buyer.name, email: session.buyer.email };
    this.view.shippingAddress = address;
    this.view.paymentMethod = paymentMethodFrom(session.paymentDescriptor);
    // C6: name, e-mail, postal code, prefecture, address and phone come from Amazon.
    this.view.ordererDefaults = ordererFromAmazon(session.buyer, address);
    if (this.order.memberId !== null) {
      const member = await shopForBuyer.getMemberSnapshot(this.order.memberId);
      this.view.additionalInformationRequired = member?.missingExtraFields ?? [];
      this.memberPreferences = preferencesOf(member);
    }
    await this.order.commit('AddressSelected');
    return this.view;
  }

  /** Step 3: the order-procedure form (C3–C6), with its coupon and points checked and the totals. */
  async enterProcedure(form: ProcedureForm): Promise<OrderView> {
    this.order.requireStatus('AddressSelected', 'ProcedureEntered');
    const isMember = this.order.memberId !== null;
    const parsed = parseOrderProcedure(form, { isMember, today: tokyoDate(new Date()) });
    if (!parsed.ok)
      refuse(OrderFailureType.InvalidProcedure, parsed.issues[0]?.message ?? CHECK_INPUT_MESSAGE, {
        fields: parsed.issues,
      });
    const procedure = parsed.value;
    const coupon = await this.couponFor(procedure);
    const pointsToUse = procedure.pointsToUse ?? 0;
    await this.checkPointsToUse(pointsToUse, this.totalsFor(procedure, { coupon }));
    this.view.totals = this.totalsFor(procedure, { coupon, pointsToUse });
    this.appliedCoupon = coupon;
    this.view.couponCode = coupon?.code ?? null;
    this.view.pointsUsed = pointsToUse;
    this.view.procedure = procedure;
    await this.order.commit('ProcedureEntered');
    return this.view;
  }

  /** Step 4: 「注文確定」: consent, the member's extra fields, coupon and points held, the amount at Amazon. */
  async confirm(): Promise<OrderView> {
    if (this.order.status === 'Confirmed') return this.view;
    this.order.requireStatus('ProcedureEntered');
    const consent = canConfirm(this.order.procedure());
    if (!consent.ok)
      refuse(OrderFailureType.ConsentRequired, consent.message, {
        fields: [{ path: 'privacyPolicyConsent', message: consent.message }],
      });
    if (this.order.memberId !== null) {
      await this.requireMemberInformation(this.order.memberId);
      await this.holdCouponAndPoints(this.order.memberId);
    }
    this.view.amazonPayRedirectUrl = await this.setAmountAtAmazon();
    await this.order.commit('Confirmed');
    return this.view;
  }

  /** Step 5: back from Amazon's confirmation page: complete the session and act on the charge. */
  async complete(): Promise<OrderView> {
    if (this.order.status === 'Authorizing' || this.order.status === 'Placed' || this.order.status === 'Failed')
      return this.view;
    this.order.requireStatus('Confirmed');
    const checkoutSessionId = this.order.checkoutSessionId();
    const completed = await amazonCall(() =>
      amazonForBuyer.completeCheckout({
        orderId: this.order.orderId,
        checkoutSessionId,
        amount: this.view.totals.total,
      }),
    );
    // A refused completion: learn why from the session (declined by Amazon, canceled by the buyer).
    const session = isRefusal(completed)
      ? await amazonCall(() => amazonForBuyer.readCheckoutSession(checkoutSessionId))
      : completed;
    if (isRefusal(session) || session.state === 'Canceled' || session.chargeId === null) {
      const reason = isRefusal(session) ? session.reasonCode : (session.reasonCode ?? 'Canceled');
      await this.fail(reason, reason === 'BuyerCanceled' ? CHECKOUT_CANCELED_MESSAGE : PAYMENT_DECLINED_MESSAGE);
      return this.view;
    }
    const chargeId = session.chargeId;
    this.view.chargePermissionId = session.chargePermissionId;
    this.view.chargeId = chargeId;
    // M1, A3: the buyer may change the payment method on Amazon's page after the form; the
    // completed session says how the order is really paid.
    if (session.paymentDescriptor !== null) this.view.paymentMethod = paymentMethodFrom(session.paymentDescriptor);
    const charge = await amazonCall(() => amazonForBuyer.readCharge(chargeId));
    if (!(await this.settleCharge(charge))) await this.order.commit('Authorizing');
    return this.view;
  }

  // ---- Step 2 ----

  /** The session must be this order's and still open. */
  private async openSessionOfThisOrder(checkoutSessionId: string): Promise<CheckoutSessionSnapshot> {
    const session = await amazonCall(() => amazonForBuyer.readCheckoutSession(checkoutSessionId));
    if (isRefusal(session) || session.orderId !== this.order.orderId)
      refuse(OrderFailureType.SessionMismatch, SESSION_MISMATCH_MESSAGE);
    if (session.state !== 'Open')
      refuse(OrderFailureType.InvalidState, CHECKOUT_CANCELED_MESSAGE, { sessionState: session.state });
    return session;
  }

  // ---- Step 3 ----

  private totalsFor(procedure: OrderProcedure, extra: { coupon?: AppliedCoupon | null; pointsToUse?: number }): Totals {
    return computeTotals({
      items: this.order.input.items,
      giftWrapping: procedure.gift.wrapping,
      noshi: procedure.gift.noshi !== null,
      ...extra,
      fees: this.order.settings.fees,
    });
  }

  /** C5: a member's coupon, found and applicable to this order (not yet reserved). */
  private async couponFor(procedure: OrderProcedure): Promise<AppliedCoupon | null> {
    const memberId = this.order.memberId;
    const base = this.totalsFor(procedure, {});
    if (memberId === null || !procedure.couponCode) return null;
    const found = await shopForBuyer.findCoupon({ code: procedure.couponCode, memberId, orderId: this.order.orderId });
    if (!found.found) refuseCoupon(COUPON_NOT_FOUND_MESSAGE);
    const coupon = {
      ...found.coupon,
      validFrom: new Date(found.coupon.validFrom),
      validUntil: new Date(found.coupon.validUntil),
    };
    const decision = applyCoupon(coupon, {
      subtotal: base.subtotal,
      now: new Date(),
      isMember: true,
      alreadyUsedByMember: found.alreadyUsedByMember,
    });
    if (!decision.ok) refuseCoupon(decision.message);
    return decision.applied;
  }

  /** C5: points within the member's balance and the order's amount. */
  private async checkPointsToUse(pointsToUse: number, beforePoints: Totals): Promise<void> {
    if (pointsToUse <= 0 || this.order.memberId === null) return;
    const account = await pointsForBuyer.pointsBalance(this.order.memberId);
    const check = checkPointsToUse({
      pointsToUse,
      isMember: true,
      balance: account.available,
      amountBeforePoints: beforePoints.amountBeforePoints,
    });
    if (!check.ok)
      refuse(OrderFailureType.PointsRefused, check.message, {
        fields: [{ path: 'pointsToUse', message: check.message }],
      });
  }

  // ---- Step 4 ----

  /** C6: the "additional information" step comes before the order can be confirmed. */
  private async requireMemberInformation(memberId: string): Promise<void> {
    const member = await shopForBuyer.getMemberSnapshot(memberId);
    this.view.additionalInformationRequired = member?.missingExtraFields ?? [];
    if (this.view.additionalInformationRequired.length > 0) {
      refuse(OrderFailureType.AdditionalInformationRequired, ADDITIONAL_INFORMATION_REQUIRED_MESSAGE, {
        fields: this.view.additionalInformationRequired,
      });
    }
  }

  /** C5: the coupon and the points are held for this order until it is placed or given up. */
  private async holdCouponAndPoints(memberId: string): Promise<void> {
    const orderId = this.order.orderId;
    if (this.appliedCoupon !== null) {
      const { reserved } = await shopForBuyer.reserveCoupon({ code: this.appliedCoupon.code, memberId, orderId });
      if (!reserved) refuseCoupon(COUPON_ALREADY_USED_MESSAGE);
      this.couponReserved = true;
    }
    if (this.view.pointsUsed > 0) {
      try {
        await pointsForBuyer.reservePoints({ memberId, orderId, points: this.view.pointsUsed });
        this.pointsReserved = true;
      } catch (error) {
        await this.releaseHolds();
        const cause = error instanceof ActivityFailure ? error.cause : error;
        const message = cause instanceof ApplicationFailure ? cause.message : POINTS_NOT_RESERVED_MESSAGE;
        refuse(OrderFailureType.PointsRefused, message, { fields: [{ path: 'pointsToUse', message }] });
      }
    }
  }

  /** A1: the final amount on the checkout session; Amazon answers with the page the buyer confirms on. */
  private async setAmountAtAmazon(): Promise<string> {
    let session: CheckoutSessionSnapshot | AmazonRefusal;
    try {
      session = await amazonCall(() =>
        amazonForBuyer.setCheckoutAmount({
          orderId: this.order.orderId,
          checkoutSessionId: this.order.checkoutSessionId(),
          amount: this.view.totals.total,
          checkoutResultReturnUrl: this.order.settings.checkoutResultReturnUrl,
          shopName: this.order.settings.shopName,
        }),
      );
    } catch (error) {
      await this.releaseHolds();
      throw error;
    }
    if (isRefusal(session) || session.amazonPayRedirectUrl === null) {
      await this.releaseHolds();
      refuse(
        OrderFailureType.InvalidState,
        CHECKOUT_CANCELED_MESSAGE,
        isRefusal(session) ? { reasonCode: session.reasonCode } : { constraints: session.constraints },
      );
    }
    return session.amazonPayRedirectUrl;
  }

  // ---- Step 5 and after: the charge decides ----

  /** Pending authorization: a notification wakes the poll early; otherwise it backs off. */
  private async awaitAuthorization(): Promise<void> {
    const pendingSince = Date.now();
    let wait = POLL_FIRST_MS;
    while (this.order.status === 'Authorizing') {
      if (Date.now() - pendingSince > PENDING_AUTHORIZATION_LIMIT_MS) {
        await this.order.exclusively(() => this.fail('AuthorizationTimedOut', PAYMENT_DECLINED_MESSAGE));
        return;
      }
      await condition(() => this.authorizationHint, wait);
      this.authorizationHint = false;
      wait = Math.min(wait * 2, POLL_MAX_MS);
      const charge = await amazonInBackground.readCharge(this.order.chargeId());
      await this.order.exclusively(async () => {
        if (this.order.status === 'Authorizing') await this.settleCharge(charge);
      });
    }
  }

  /** Acts on a charge's state after completion; returns true when the order's outcome is settled. */
  private async settleCharge(charge: ChargeSnapshot): Promise<boolean> {
    if (charge.state === 'Authorized') {
      this.view.payment = initialPayment(this.view, charge, new Date());
      await this.place();
      return true;
    }
    if (charge.state === 'Declined' || charge.state === 'Canceled') {
      await this.fail(charge.reasonCode ?? charge.state, PAYMENT_DECLINED_MESSAGE);
      return true;
    }
    return false;
  }

  /** Authorized: the order exists. Points spent, registration at purchase, preferences, points, memo. */
  private async place(): Promise<void> {
    const procedure = this.order.procedure();
    if (this.order.memberId !== null && this.pointsReserved)
      await followUp.spendReservedPoints({
        memberId: this.order.memberId,
        orderId: this.order.orderId,
        points: this.view.pointsUsed,
      });
    const registeredAtPurchase = await this.registerAtPurchase(procedure);
    const preferences = this.preferencesAtPurchase(procedure, registeredAtPurchase);
    this.view.newsletter = preferences.newsletter;
    this.view.mobileMail = preferences.mobileMail;
    await this.grantPurchasePoints(registeredAtPurchase);
    if (this.view.paymentMethod !== null) this.view.shopMemo = shopMemoFor(this.view.paymentMethod);
    this.view.placedAt = new Date().toISOString();
    this.pointsReserved = false;
    this.couponReserved = false;
    await this.order.commit('Placed');
    this.order.mails.send({ kind: 'placed' });
  }

  /** C4, L7: a guest who asked to register becomes a member; a refusal is told, the order stands. */
  private async registerAtPurchase(procedure: OrderProcedure): Promise<boolean> {
    const { buyer, shippingAddress } = this.view;
    if (!this.view.isGuest || procedure.registerAsMember !== true || buyer === null || shippingAddress === null)
      return false;
    const orderer = procedure.orderer;
    const registration = await followUp.registerMemberAtPurchase({
      orderId: this.order.orderId,
      buyerId: buyer.buyerId,
      email: orderer.email,
      name: orderer.name,
      postalCode: orderer.postalCode,
      prefecture: orderer.prefecture,
      address: [orderer.address, orderer.building].filter(Boolean).join(' '),
      phone: orderer.phoneNumber,
      newsletter: procedure.newsletter ?? false,
    });
    if (registration.outcome === 'registered') {
      this.view.registeredMemberId = registration.memberId;
      this.view.registration = { outcome: 'registered', message: null };
      return true;
    }
    // C4: the order stands; the buyer is told why no member was made and what to do.
    const pointsLost = purchasePointsEligible({
      mode: this.order.settings.pointsMode,
      wasMemberAtPurchase: false,
      registersAtPurchase: true,
    });
    this.view.registration = {
      outcome: registration.outcome,
      message: registrationRefusedMessage(registration.outcome, pointsLost),
    };
    return false;
  }

  /** C8: a guest's choices from the form; a member's from the account (null: not asked). */
  private preferencesAtPurchase(procedure: OrderProcedure, registeredAtPurchase: boolean) {
    if (!this.view.isGuest)
      return {
        newsletter: this.memberPreferences?.newsletter ?? null,
        mobileMail: this.memberPreferences?.mobileMail ?? null,
      };
    return orderPreferenceFields({
      isMember: false,
      registerAsMember: registeredAtPurchase,
      ...(procedure.newsletter === undefined ? {} : { newsletter: procedure.newsletter }),
    });
  }

  /** P1, P2: purchase points, pending until capture, for a member (or one made at purchase). */
  private async grantPurchasePoints(registeredAtPurchase: boolean): Promise<void> {
    const eligible = purchasePointsEligible({
      mode: this.order.settings.pointsMode,
      wasMemberAtPurchase: !this.view.isGuest,
      registersAtPurchase: registeredAtPurchase,
    });
    const account = this.order.memberId ?? this.view.registeredMemberId;
    if (!eligible || account === null) return;
    const earned = purchasePoints(this.view.totals.purchasePointsBase, this.order.settings.pointsRatePercent);
    if (earned > 0)
      await followUp.grantPendingPoints({ memberId: account, orderId: this.order.orderId, points: earned });
    this.view.purchasePoints = { points: earned, state: 'pending' };
  }

  // ---- The checkout given up ----

  private async fail(code: string, message: string): Promise<void> {
    await this.releaseHolds();
    this.view.failure = { code, message };
    await this.order.commit('Failed');
  }

  /** 24 hours without completion: abandoned; reserved points and coupon go back. */
  private async abandon(): Promise<void> {
    if (['Placed', 'Failed', 'Authorizing'].includes(this.order.status)) return;
    await this.releaseHolds();
    this.view.failure = { code: 'Abandoned', message: CHECKOUT_ABANDONED_MESSAGE };
    await this.order.commit('Abandoned');
  }

  private async releaseHolds(): Promise<void> {
    const { memberId, orderId } = this.order;
    if (this.pointsReserved && memberId !== null) await pointsForBuyer.releasePoints({ memberId, orderId });
    this.pointsReserved = false;
    if (this.couponReserved && memberId !== null && this.view.couponCode !== null)
      await shopForBuyer.releaseCoupon({ code: this.view.couponCode, memberId, orderId });
    this.couponReserved = false;
  }
}

/** R3: one destination; C7: one the shop can ship to (else the buyer picks another). */
function usableDestination(session: CheckoutSessionSnapshot): UsableShippingAddress {
  const single = checkSingleShippingAddress(session.shippingAddresses);
  if (!single.ok)
    refuse(OrderFailureType.AddressUnusable, SINGLE_DESTINATION_MESSAGE, {
      reasons: [`shipping_address_${single.reason}`],
    });
  const usable = checkShippingAddress(single.address);
  if (!usable.usable) refuse(OrderFailureType.AddressUnusable, ADDRESS_UNUSABLE_MESSAGE, { reasons: usable.reasons });
  return usable.address;
}

function refuseCoupon(message: string): never {
  return refuse(OrderFailureType.CouponRefused, message, { fields: [{ path: 'couponCode', message }] });
}

function preferencesOf(member: MemberSnapshot | null) {
  return member === null ? null : { newsletter: member.newsletter, mobileMail: member.mobileMail };
}

/** M1/M2, A3: how the order is paid, from Amazon's payment descriptor. */
function paymentMethodFrom(descriptor: string | null): PaymentMethodView {
  const classification = classifyPaymentDescriptor(descriptor);
  return {
    kind: classification.kind,
    cardBrand: classification.cardBrand ?? null,
    cardLast4: classification.cardLast4 ?? null,
    descriptor,
  };
}

/** M1: the shop memo line for how the order is paid. */
function shopMemoFor(method: PaymentMethodView): string {
  return shopMemoLine({
    kind: method.kind,
    ...(method.cardBrand === null ? {} : { cardBrand: method.cardBrand }),
    ...(method.cardLast4 === null ? {} : { cardLast4: method.cardLast4 }),
  });
}
