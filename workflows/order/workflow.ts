/**
 * One order's life as one durable workflow (`order:{orderId}`), lifecycle steps 1–5 of DESIGN.md:
 * checkout created → Amazon return (R3, C7) → order procedure (C3–C6) → 「注文確定」 (A1: authorize)
 * → complete → placed (C4, C8, L7, L8, M1, M2, P1, P2). A checkout not completed in 24 hours is
 * abandoned. Updates run one at a time (a lock), so concurrent or repeated requests see one order.
 */
import {
  ApplicationFailure,
  ActivityFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type { AmazonRefusal, ChargeSnapshot, CheckoutSessionSnapshot } from '../../activities/checkout.js';
import { checkShippingAddress, checkSingleShippingAddress } from '../../domain/address.js';
import { tokyoDate } from '../../domain/calendar.js';
import { applyCoupon, type AppliedCoupon } from '../../domain/coupon.js';
import {
  ADDITIONAL_INFORMATION_REQUIRED_MESSAGE,
  ADDRESS_UNUSABLE_MESSAGE,
  CHECKOUT_ABANDONED_MESSAGE,
  CHECKOUT_CANCELED_MESSAGE,
  COUPON_ALREADY_USED_MESSAGE,
  COUPON_NOT_FOUND_MESSAGE,
  ORDER_STATE_MESSAGE,
  PAYMENT_DECLINED_MESSAGE,
  registrationRefusedMessage,
  SINGLE_DESTINATION_MESSAGE,
} from '../../domain/messages.js';
import {
  canConfirm,
  ordererFromAmazon,
  orderPreferenceFields,
  parseOrderProcedure,
  type OrderProcedure,
  type OrderProcedureInput,
} from '../../domain/order-procedure.js';
import { classifyPaymentDescriptor, shopMemoLine } from '../../domain/payment-method.js';
import { checkPointsToUse, purchasePoints, purchasePointsEligible } from '../../domain/points.js';
import { computeTotals } from '../../domain/totals.js';
import {
  AmazonChargePermissionId,
  IsGuest,
  MemberId,
  OrderStatus as OrderStatusAttribute,
  OrderTotal,
  PaymentMethod,
} from '../search-attributes.js';
import { amazonCall, isRefusal, refuse } from './failures.js';
import { createPaymentOperations, initialPayment } from './payment.js';
import {
  amazonNotification,
  amazonReturn,
  cancelOrder,
  captureOrder,
  changeAmount,
  completeOrder,
  confirmOrder,
  getOrder,
  refundOrder,
  OrderFailureType,
  submitProcedure,
  type OrderInput,
  type OrderStatus,
  type OrderView,
  type PaymentMethodView,
} from './definitions.js';

const amazon = proxyActivities<
  Pick<Activities, 'readCheckoutSession' | 'setCheckoutAmount' | 'completeCheckout' | 'readCharge'>
>({
  // Amazon answers in well under a second; a call lost with a crashed worker is retried after this.
  startToCloseTimeout: '10 seconds',
  // The buyer is waiting: a few quick retries, then an honest "try again later".
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: 6,
  },
});
const store = proxyActivities<Pick<Activities, 'getMemberSnapshot' | 'findCoupon' | 'reserveCoupon' | 'releaseCoupon'>>(
  {
    startToCloseTimeout: '10 seconds',
    retry: {
      initialInterval: '200 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '10 seconds',
      maximumAttempts: 20,
    },
  },
);
/**
 * The read-model write after every change: a local activity (runs with the workflow task, no extra
 * round trips through the server). Measured with `npm run bench`: see the README's before/after.
 * Retried without limit: it follows changes already made (at Amazon, in the workflow), so giving up
 * would leave the read model behind for good, or fail the order over a database outage.
 */
const readModel = proxyLocalActivities<Pick<Activities, 'saveOrderView'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});
const points = proxyActivities<Pick<Activities, 'pointsBalance' | 'reservePoints' | 'releasePoints'>>({
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 20,
    nonRetryableErrorTypes: ['Points.InsufficientBalance'],
  },
});
/**
 * Placement follows an authorization Amazon has already given: these steps retry without limit
 * (a database or Temporal outage delays the order; it never leaves a charge without its order).
 */
const afterAuthorization = proxyActivities<
  Pick<Activities, 'spendReservedPoints' | 'grantPendingPoints' | 'registerMemberAtPurchase'>
>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});
/** Background work nobody waits on (the pending-authorization poll): patient retries. */
const amazonPatient = proxyActivities<Pick<Activities, 'readCharge'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export /** M1/M2, A3: how the order is paid, from Amazon's payment descriptor. */
function paymentMethodFrom(descriptor: string | null): PaymentMethodView {
  const classification = classifyPaymentDescriptor(descriptor);
  return {
    kind: classification.kind,
    cardBrand: classification.cardBrand ?? null,
    cardLast4: classification.cardLast4 ?? null,
    descriptor,
  };
}

export const CHECKOUT_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a pending authorization is waited for before the order is given up (Amazon: up to 24 h). */
export const PENDING_AUTHORIZATION_LIMIT_MS = 48 * 60 * 60 * 1000;
const POLL_FIRST_MS = 30_000;
const POLL_MAX_MS = 10 * 60_000;

const WAITING_FOR: Record<OrderStatus, string> = {
  CheckoutCreated: 'Waiting for the buyer to sign in at Amazon and choose an address and a payment method.',
  AddressSelected: 'Waiting for the buyer to fill in the order-procedure form.',
  ProcedureEntered: 'Waiting for the buyer to press 「注文確定」.',
  Confirmed: 'Waiting for the buyer to confirm the amount on Amazon\u2019s page.',
  Authorizing: 'Waiting for Amazon to decide the pending authorization (notification or poll).',
  Placed: 'Placed: authorized, waiting for capture at shipment.',
  Failed: 'Failed: nothing to wait for.',
  Abandoned: 'Abandoned: the checkout was not completed within 24 hours.',
  Captured: 'Captured: refunds are possible until the charge permission closes (180 days).',
  PartiallyRefunded: 'Partly refunded: further refunds are possible until the charge permission closes.',
  Refunded: 'Refunded in full: waiting for Amazon to settle the refunds.',
  Canceled: 'Canceled before capture: nothing to wait for.',
};

/** Runs the steps one at a time: a second request waits for the first and then sees its result. */
class Lock {
  private held = false;
  async run<T>(fn: () => Promise<T>): Promise<T> {
    // Several waiters wake in the same activation: each re-checks before taking the lock.
    while (this.held) await condition(() => !this.held);
    this.held = true;
    try {
      return await fn();
    } finally {
      this.held = false;
    }
  }
}

export async function orderWorkflow(input: OrderInput): Promise<OrderView> {
  const { orderId, settings } = input;
  const isGuest = input.memberId === null;
  const createdAt = new Date();
  const view: OrderView = {
    orderId,
    status: 'CheckoutCreated',
    version: 1,
    memberId: input.memberId,
    isGuest,
    items: input.items,
    totals: computeTotals({ items: input.items, giftWrapping: false, noshi: false, fees: settings.fees }),
    checkoutSessionId: null,
    buyer: null,
    shippingAddress: null,
    paymentMethod: null,
    ordererDefaults: null,
    procedure: null,
    additionalInformationRequired: [],
    couponCode: null,
    pointsUsed: 0,
    amazonPayRedirectUrl: null,
    chargePermissionId: null,
    chargeId: null,
    shopMemo: null,
    newsletter: null,
    mobileMail: null,
    registeredMemberId: null,
    registration: null,
    purchasePoints: { points: 0, state: 'none' },
    failure: null,
    payment: null,
    createdAt: createdAt.toISOString(),
    placedAt: null,
    updatedAt: createdAt.toISOString(),
    waitingFor: WAITING_FOR.CheckoutCreated,
  };
  const lock = new Lock();
  let appliedCoupon: AppliedCoupon | null = null;
  let couponReserved = false;
  let pointsReserved = false;
  let authorizationHint = false;
  let memberPreferences: { newsletter: boolean | null; mobileMail: boolean | null } | null = null;

  const publish = () => {
    const pairs: SearchAttributeUpdatePair[] = [
      { key: OrderStatusAttribute, value: view.status },
      { key: OrderTotal, value: view.totals.total },
      { key: IsGuest, value: view.isGuest },
    ];
    if (view.memberId !== null) pairs.push({ key: MemberId, value: view.memberId });
    if (view.paymentMethod !== null) pairs.push({ key: PaymentMethod, value: view.paymentMethod.kind });
    if (view.chargePermissionId !== null) pairs.push({ key: AmazonChargePermissionId, value: view.chargePermissionId });
    upsertSearchAttributes(pairs);
    setCurrentDetails(view.waitingFor);
  };

  /** Records a change: new version, search attributes, current details, and the read model. */
  const changed = async (status: OrderStatus = view.status) => {
    view.status = status;
    view.version += 1;
    view.updatedAt = new Date().toISOString();
    view.waitingFor = WAITING_FOR[status];
    publish();
    await readModel.saveOrderView(view);
  };

  const requireStatus = (...allowed: OrderStatus[]) => {
    if (!allowed.includes(view.status))
      refuse(OrderFailureType.InvalidState, ORDER_STATE_MESSAGE, { status: view.status });
  };

  const releaseHolds = async () => {
    if (pointsReserved && input.memberId !== null) await points.releasePoints({ memberId: input.memberId, orderId });
    pointsReserved = false;
    if (couponReserved && input.memberId !== null && view.couponCode !== null) {
      await store.releaseCoupon({ code: view.couponCode, memberId: input.memberId, orderId });
    }
    couponReserved = false;
  };

  const fail = async (code: string, message: string) => {
    await releaseHolds();
    view.failure = { code, message };
    await changed('Failed');
  };

  /** Authorized: the order exists. Registration at purchase, memo, points, preferences (step 5). */
  const place = async () => {
    const procedure = view.procedure as OrderProcedure;
    if (input.memberId !== null && pointsReserved)
      await afterAuthorization.spendReservedPoints({ memberId: input.memberId, orderId, points: view.pointsUsed });

    let registeredAtPurchase = false;
    if (isGuest && procedure.registerAsMember === true && view.buyer !== null && view.shippingAddress !== null) {
      const orderer = procedure.orderer;
      const registration = await afterAuthorization.registerMemberAtPurchase({
        orderId,
        buyerId: view.buyer.buyerId,
        email: orderer.email,
        name: orderer.name,
        postalCode: orderer.postalCode,
        prefecture: orderer.prefecture,
        address: [orderer.address, orderer.building].filter(Boolean).join(' '),
        phone: orderer.phoneNumber,
        newsletter: procedure.newsletter ?? false,
      });
      if (registration.outcome === 'registered') {
        view.registeredMemberId = registration.memberId;
        registeredAtPurchase = true;
        view.registration = { outcome: 'registered', message: null };
      } else {
        // C4: the order stands; the buyer is told why no member was made and what to do.
        const pointsLost = purchasePointsEligible({
          mode: settings.pointsMode,
          wasMemberAtPurchase: false,
          registersAtPurchase: true,
        });
        view.registration = {
          outcome: registration.outcome,
          message: registrationRefusedMessage(registration.outcome, pointsLost),
        };
      }
    }

    const preferences = isGuest
      ? orderPreferenceFields({
          isMember: false,
          registerAsMember: registeredAtPurchase,
          ...(procedure.newsletter === undefined ? {} : { newsletter: procedure.newsletter }),
        })
      : { newsletter: memberPreferences?.newsletter ?? null, mobileMail: memberPreferences?.mobileMail ?? null };
    view.newsletter = preferences.newsletter;
    view.mobileMail = preferences.mobileMail;

    const eligible = purchasePointsEligible({
      mode: settings.pointsMode,
      wasMemberAtPurchase: !isGuest,
      registersAtPurchase: registeredAtPurchase,
    });
    const account = input.memberId ?? view.registeredMemberId;
    if (eligible && account !== null) {
      const earned = purchasePoints(view.totals.purchasePointsBase, settings.pointsRatePercent);
      if (earned > 0) await afterAuthorization.grantPendingPoints({ memberId: account, orderId, points: earned });
      view.purchasePoints = { points: earned, state: 'pending' };
    }

    if (view.paymentMethod !== null) {
      view.shopMemo = shopMemoLine({
        kind: view.paymentMethod.kind,
        ...(view.paymentMethod.cardBrand === null ? {} : { cardBrand: view.paymentMethod.cardBrand }),
        ...(view.paymentMethod.cardLast4 === null ? {} : { cardLast4: view.paymentMethod.cardLast4 }),
      });
    }
    view.placedAt = new Date().toISOString();
    pointsReserved = false;
    couponReserved = false;
    await changed('Placed');
  };

  /** Acts on a charge's state after completion; returns true when the order's outcome is settled. */
  const settleCharge = async (charge: ChargeSnapshot): Promise<boolean> => {
    if (charge.state === 'Authorized') {
      view.payment = initialPayment(view, charge, new Date());
      await place();
      return true;
    }
    if (charge.state === 'Declined' || charge.state === 'Canceled') {
      await fail(charge.reasonCode ?? charge.state, PAYMENT_DECLINED_MESSAGE);
      return true;
    }
    return false;
  };

  setHandler(getOrder, () => view);

  setHandler(
    amazonReturn,
    ({ checkoutSessionId }) =>
      lock.run(async () => {
        requireStatus('CheckoutCreated', 'AddressSelected', 'ProcedureEntered');
        const session = await amazonCall(() => amazon.readCheckoutSession(checkoutSessionId));
        if (isRefusal(session) || session.orderId !== orderId) {
          refuse(
            OrderFailureType.SessionMismatch,
            'このAmazon Payのお手続きはご注文と一致しません。もう一度お試しください。',
          );
        }
        if (session.state !== 'Open')
          refuse(OrderFailureType.InvalidState, CHECKOUT_CANCELED_MESSAGE, { sessionState: session.state });
        view.checkoutSessionId = checkoutSessionId;
        if (session.buyer === null)
          refuse(OrderFailureType.InvalidState, ORDER_STATE_MESSAGE, { reason: 'buyer_not_signed_in' });

        // R3: one destination.
        const single = checkSingleShippingAddress(session.shippingAddresses);
        if (!single.ok)
          refuse(OrderFailureType.AddressUnusable, SINGLE_DESTINATION_MESSAGE, {
            reasons: [`shipping_address_${single.reason}`],
          });
        // C7: an address the shop cannot ship to sends the buyer back to pick another.
        const usable = checkShippingAddress(single.address);
        if (!usable.usable)
          refuse(OrderFailureType.AddressUnusable, ADDRESS_UNUSABLE_MESSAGE, { reasons: usable.reasons });

        view.buyer = { buyerId: session.buyer.buyerId, name: session.buyer.name, email: session.buyer.email };
        view.shippingAddress = usable.address;
        view.paymentMethod = paymentMethodFrom(session.paymentDescriptor);
        // C6: name, e-mail, postal code, prefecture, address and phone come from Amazon.
        view.ordererDefaults = ordererFromAmazon(session.buyer, usable.address);
        if (input.memberId !== null) {
          const member = await store.getMemberSnapshot(input.memberId);
          view.additionalInformationRequired = member?.missingExtraFields ?? [];
          memberPreferences = member === null ? null : { newsletter: member.newsletter, mobileMail: member.mobileMail };
        }
        await changed('AddressSelected');
        return view;
      }),
    {
      validator: ({ checkoutSessionId }) => {
        if (typeof checkoutSessionId !== 'string' || !/^[0-9a-f-]{36}$/i.test(checkoutSessionId))
          throw new Error('amazonCheckoutSessionId must be a checkout session id');
      },
    },
  );

  setHandler(
    submitProcedure,
    (form: OrderProcedureInput) =>
      lock.run(async () => {
        requireStatus('AddressSelected', 'ProcedureEntered');
        const parsed = parseOrderProcedure(form, { isMember: !isGuest, today: tokyoDate(new Date()) });
        if (!parsed.ok)
          refuse(OrderFailureType.InvalidProcedure, parsed.issues[0]?.message ?? '入力内容をご確認ください。', {
            fields: parsed.issues,
          });
        const procedure = parsed.value;

        let applied: AppliedCoupon | null = null;
        const base = computeTotals({
          items: input.items,
          giftWrapping: procedure.gift.wrapping,
          noshi: procedure.gift.noshi !== null,
          fees: settings.fees,
        });
        if (input.memberId !== null && procedure.couponCode) {
          const found = await store.findCoupon({ code: procedure.couponCode, memberId: input.memberId, orderId });
          if (!found.found)
            refuse(OrderFailureType.CouponRefused, COUPON_NOT_FOUND_MESSAGE, {
              fields: [{ path: 'couponCode', message: COUPON_NOT_FOUND_MESSAGE }],
            });
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
          if (!decision.ok)
            refuse(OrderFailureType.CouponRefused, decision.message, {
              fields: [{ path: 'couponCode', message: decision.message }],
            });
          applied = decision.applied;
        }
        const beforePoints = computeTotals({
          items: input.items,
          giftWrapping: procedure.gift.wrapping,
          noshi: procedure.gift.noshi !== null,
          coupon: applied,
          fees: settings.fees,
        });
        const pointsToUse = procedure.pointsToUse ?? 0;
        if (pointsToUse > 0 && input.memberId !== null) {
          const account = await points.pointsBalance(input.memberId);
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
        view.totals = computeTotals({
          items: input.items,
          giftWrapping: procedure.gift.wrapping,
          noshi: procedure.gift.noshi !== null,
          coupon: applied,
          pointsToUse,
          fees: settings.fees,
        });
        appliedCoupon = applied;
        view.couponCode = applied?.code ?? null;
        view.pointsUsed = pointsToUse;
        view.procedure = procedure;
        await changed('ProcedureEntered');
        return view;
      }),
    { validator: (_form: OrderProcedureInput) => requireStatus('AddressSelected', 'ProcedureEntered') },
  );

  setHandler(
    confirmOrder,
    () =>
      lock.run(async () => {
        if (view.status === 'Confirmed') return view;
        requireStatus('ProcedureEntered');
        const procedure = view.procedure as OrderProcedure;
        const consent = canConfirm(procedure);
        if (!consent.ok)
          refuse(OrderFailureType.ConsentRequired, consent.message, {
            fields: [{ path: 'privacyPolicyConsent', message: consent.message }],
          });
        if (input.memberId !== null) {
          // C6: the "additional information" step comes before the order can be confirmed.
          const member = await store.getMemberSnapshot(input.memberId);
          view.additionalInformationRequired = member?.missingExtraFields ?? [];
          if (view.additionalInformationRequired.length > 0) {
            refuse(OrderFailureType.AdditionalInformationRequired, ADDITIONAL_INFORMATION_REQUIRED_MESSAGE, {
              fields: view.additionalInformationRequired,
            });
          }
          if (appliedCoupon !== null) {
            const { reserved } = await store.reserveCoupon({
              code: appliedCoupon.code,
              memberId: input.memberId,
              orderId,
            });
            if (!reserved)
              refuse(OrderFailureType.CouponRefused, COUPON_ALREADY_USED_MESSAGE, {
                fields: [{ path: 'couponCode', message: COUPON_ALREADY_USED_MESSAGE }],
              });
            couponReserved = true;
          }
          if (view.pointsUsed > 0) {
            try {
              await points.reservePoints({ memberId: input.memberId, orderId, points: view.pointsUsed });
              pointsReserved = true;
            } catch (error) {
              await releaseHolds();
              const cause = error instanceof ActivityFailure ? error.cause : error;
              const message = cause instanceof ApplicationFailure ? cause.message : 'ポイントを確保できませんでした。';
              refuse(OrderFailureType.PointsRefused, message, { fields: [{ path: 'pointsToUse', message }] });
            }
          }
        }
        let session: CheckoutSessionSnapshot | AmazonRefusal;
        try {
          session = await amazonCall(() =>
            amazon.setCheckoutAmount({
              orderId,
              checkoutSessionId: view.checkoutSessionId as string,
              amount: view.totals.total,
              checkoutResultReturnUrl: settings.checkoutResultReturnUrl,
              shopName: settings.shopName,
            }),
          );
        } catch (error) {
          await releaseHolds();
          throw error;
        }
        if (isRefusal(session) || session.amazonPayRedirectUrl === null) {
          await releaseHolds();
          refuse(
            OrderFailureType.InvalidState,
            CHECKOUT_CANCELED_MESSAGE,
            isRefusal(session) ? { reasonCode: session.reasonCode } : { constraints: session.constraints },
          );
        }
        view.amazonPayRedirectUrl = session.amazonPayRedirectUrl;
        await changed('Confirmed');
        return view;
      }),
    { validator: () => requireStatus('ProcedureEntered', 'Confirmed') },
  );

  setHandler(completeOrder, () =>
    lock.run(async () => {
      if (view.status === 'Authorizing' || view.status === 'Placed' || view.status === 'Failed') return view;
      requireStatus('Confirmed');
      const completed = await amazonCall(() =>
        amazon.completeCheckout({
          orderId,
          checkoutSessionId: view.checkoutSessionId as string,
          amount: view.totals.total,
        }),
      );
      // A refused completion: learn why from the session (declined by Amazon, canceled by the buyer).
      const session = isRefusal(completed)
        ? await amazonCall(() => amazon.readCheckoutSession(view.checkoutSessionId as string))
        : completed;
      if (isRefusal(session) || session.state === 'Canceled' || session.chargeId === null) {
        const reason = isRefusal(session) ? session.reasonCode : (session.reasonCode ?? 'Canceled');
        await fail(reason, reason === 'BuyerCanceled' ? CHECKOUT_CANCELED_MESSAGE : PAYMENT_DECLINED_MESSAGE);
        return view;
      }
      view.chargePermissionId = session.chargePermissionId;
      view.chargeId = session.chargeId;
      // M1, A3: the buyer may change the payment method on Amazon's page after the form; the
      // completed session says how the order is really paid.
      if (session.paymentDescriptor !== null) view.paymentMethod = paymentMethodFrom(session.paymentDescriptor);
      const charge = await amazonCall(() => amazon.readCharge(session.chargeId as string));
      if (!(await settleCharge(charge))) await changed('Authorizing');
      return view;
    }),
  );

  const payments = createPaymentOperations({
    view,
    orderId,
    pointsRatePercent: settings.pointsRatePercent,
    pointsAccount: () => input.memberId ?? view.registeredMemberId,
    changed,
  });
  const opsUpdate =
    <A>(run: (arg: A) => Promise<OrderView>) =>
    (arg: A) =>
      lock.run(() => run(arg));
  const afterPlacement =
    (...allowed: OrderStatus[]) =>
    () => {
      if (!allowed.includes(view.status))
        refuse(OrderFailureType.InvalidState, ORDER_STATE_MESSAGE, { status: view.status });
    };
  const wholeYen = (value: unknown, what: string) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
      throw new Error(`${what} must be a whole yen amount of at least 1`);
  };
  setHandler(
    changeAmount,
    opsUpdate(({ amount }) => payments.changeAmount(amount)),
    {
      validator: ({ amount }) => {
        wholeYen(amount, 'amount');
        afterPlacement('Placed')();
      },
    },
  );
  setHandler(
    captureOrder,
    opsUpdate(({ amount }) => payments.capture(amount)),
    {
      validator: ({ amount }) => {
        if (amount !== undefined) wholeYen(amount, 'amount');
        afterPlacement('Placed')();
      },
    },
  );
  setHandler(
    cancelOrder,
    opsUpdate(({ reason }) => payments.cancel(reason)),
    {
      validator: ({ reason }) => {
        if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 200)
          throw new Error('reason: 1–200 characters');
        afterPlacement('Placed')();
      },
    },
  );
  setHandler(
    refundOrder,
    opsUpdate(({ amount }) => payments.refund(amount)),
    {
      validator: ({ amount }) => {
        wholeYen(amount, 'amount');
        afterPlacement('Captured', 'PartiallyRefunded')();
      },
    },
  );

  /** Notifications after placement, re-read in order by the main loop. */
  const notifications: { objectType: string; objectId: string }[] = [];
  setHandler(amazonNotification, ({ objectType, objectId }) => {
    if (objectType === 'CHARGE' && objectId === view.chargeId) authorizationHint = true;
    if (view.payment !== null) notifications.push({ objectType, objectId });
  });

  publish();
  await readModel.saveOrderView(view);

  // Checkout phase: ends placed, failed or abandoned. (status() reads the live value that handlers change.)
  const status = (): OrderStatus => view.status;
  const deadline = createdAt.getTime() + CHECKOUT_TTL_MS;
  while (!['Placed', 'Failed', 'Abandoned'].includes(status())) {
    if (status() === 'Authorizing') {
      // Pending authorization: a notification wakes us early; otherwise poll with backoff.
      const pendingSince = Date.now();
      let wait = POLL_FIRST_MS;
      while (status() === 'Authorizing') {
        if (Date.now() - pendingSince > PENDING_AUTHORIZATION_LIMIT_MS) {
          await lock.run(() => fail('AuthorizationTimedOut', PAYMENT_DECLINED_MESSAGE));
          break;
        }
        await condition(() => authorizationHint, wait);
        authorizationHint = false;
        wait = Math.min(wait * 2, POLL_MAX_MS);
        const charge = await amazonPatient.readCharge(view.chargeId as string);
        await lock.run(async () => {
          if (view.status === 'Authorizing') await settleCharge(charge);
        });
      }
      continue;
    }
    const remaining = deadline - Date.now();
    const progressed =
      remaining > 0 && (await condition(() => ['Authorizing', 'Placed', 'Failed'].includes(status()), remaining));
    if (!progressed) {
      await lock.run(async () => {
        if (['Placed', 'Failed', 'Authorizing'].includes(view.status)) return;
        // 24 hours without completion: abandoned; reserved points and coupon go back.
        await releaseHolds();
        view.failure = { code: 'Abandoned', message: CHECKOUT_ABANDONED_MESSAGE };
        await changed('Abandoned');
      });
    }
  }

  // After placement: ops updates, notifications, pending objects, and the 30/180-day timers.
  while (view.payment !== null && !payments.settled()) {
    const seenVersion = view.version;
    const deadline = payments.nextDeadline(Date.now());
    await condition(() => notifications.length > 0 || view.version !== seenVersion, Math.max(1, deadline - Date.now()));
    const over = await lock.run(async () => {
      for (let hint = notifications.shift(); hint !== undefined; hint = notifications.shift())
        await payments.onNotification(hint.objectType, hint.objectId);
      return Date.now() >= deadline ? payments.runDue(Date.now()) : false;
    });
    if (over) break;
  }
  await condition(allHandlersFinished);
  return view;
}
