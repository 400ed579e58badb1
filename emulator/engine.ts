/**
 * The Amazon Pay JP state machines: checkout sessions, charge permissions, charges and refunds,
 * with Japan's overcharge limit (rules A2/A3, docs/rules.md), the 25-charge cap, expiries and pending states.
 * Everything lives in memory. Time comes from the emulator clock; `sweep()` applies whatever has
 * become due (called when the clock moves, from pending timers, and before every read).
 */
import { z } from 'zod';
import {
  authorizationBehavior,
  findBuyer,
  TEST_BUYERS,
  type AuthorizationBehavior,
  type InstrumentKind,
} from './buyers.js';
import { DAY, type Clock } from './clock.js';
import { ApiError, badParam, notFound } from './errors.js';
import { newChargeId, newChargePermissionId, newCheckoutSessionId, newRefundId } from './ids.js';
import {
  SESSION_TTL_MS,
  sessionConstraints,
  type BuyerChoice,
  type Charge,
  type ChargePermission,
  type ChargeState,
  type CheckoutSession,
  type MerchantMetadata,
  type ReleaseEnvironment,
  type Refund,
  type Status,
} from './model.js';
import {
  MAX_CHARGE_AMOUNT,
  cancelChargeBody,
  captureChargeBody,
  closePermissionBody,
  completeSessionBody,
  createChargeBody,
  createRefundBody,
  createSessionBody,
  parseBody,
  updatePermissionBody,
  updateSessionBody,
} from './requests.js';

const OVERCHARGE_MINIMUM = 70_000;
const OVERCHARGE_FACTOR = 9;
const MAX_CHARGES_PER_PERMISSION = 25;
const AUTHORIZATION_TTL_MS = 30 * DAY;
const PERMISSION_TTL_MS = 180 * DAY;
/** A capture later than this after the authorization goes CaptureInitiated first. */
const CAPTURE_PENDING_AFTER_MS = 7 * DAY;

export type ObjectType = 'CHARGE_PERMISSION' | 'CHARGE' | 'REFUND';
type ChangeListener = (change: { objectType: ObjectType; objectId: string; chargePermissionId: string }) => void;

export interface EngineOptions {
  clock: Clock;
  pendingAuthDelayMs: number;
  /** How long a refund stays RefundInitiated (default 0: Refunded at the next sweep). */
  refundDelayMs: number;
  /** Asks for a sweep after `ms` of real time (pending resolutions); the app owns the timers. */
  scheduleSweep: (ms: number) => void;
  onChange: ChangeListener;
}

/** The amount limit of rules A2/A3 (docs/rules.md): with allowOvercharge, max(9 × amount, ¥70,000); never for gift card only. */
function amountLimitFor(chargeAmount: number, allowOvercharge: boolean, instrument: InstrumentKind): number {
  if (!allowOvercharge || instrument === 'gift_card') return chargeAmount;
  return Math.max(OVERCHARGE_FACTOR * chargeAmount, OVERCHARGE_MINIMUM);
}

/** What a charge holds of the permission's limit: the authorization, or what was captured; nothing once declined or canceled. */
function consumedBy(charge: Charge): number {
  switch (charge.status.state) {
    case 'AuthorizationInitiated':
    case 'Authorized':
      return charge.chargeAmount;
    case 'CaptureInitiated':
    case 'Captured':
      return charge.captureAmount ?? charge.chargeAmount;
    case 'Declined':
    case 'Canceled':
      return 0;
  }
}

const EMPTY_METADATA: MerchantMetadata = {
  merchantReferenceId: null,
  merchantStoreName: null,
  noteToBuyer: null,
  customInformation: null,
};

function mergeMetadata(
  base: MerchantMetadata,
  patch: Partial<Record<keyof MerchantMetadata, string | null | undefined>> | undefined,
): MerchantMetadata {
  if (patch === undefined) return base;
  const out = { ...base };
  for (const key of Object.keys(EMPTY_METADATA) as (keyof MerchantMetadata)[]) {
    const value = patch[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const DESCRIPTIONS: Record<string, string> = {
  BuyerCanceled: 'The buyer canceled the checkout.',
  AmazonCanceled: 'Amazon canceled the checkout.',
  Declined: 'The payment was declined.',
  Expired: 'The object expired.',
  SoftDeclined: 'The authorization was soft declined; the buyer may retry with the same or another instrument.',
  HardDeclined: 'The authorization was hard declined; the buyer must use another instrument.',
  AmazonRejected: 'Amazon rejected the authorization.',
  ProcessingFailure: 'Amazon could not process the transaction because of an internal processing error.',
  TransactionTimedOut: 'The authorization timed out.',
  MerchantCanceled: 'The merchant canceled the charge.',
  ExpiredUnused: 'The authorization expired unused 30 days after it was made.',
  ChargePermissionCanceled: 'The charge permission was canceled or closed.',
  MerchantClosed: 'The merchant closed the charge permission.',
  AmazonClosed: 'Amazon closed the charge permission.',
  ChargeInProgress: 'The whole limit is held by charges in progress.',
  AmountLimitReached: 'The charge permission was charged for its whole limit.',
};

export type SimulationCode = string | undefined;

export class Engine {
  readonly sessions = new Map<string, CheckoutSession>();
  readonly permissions = new Map<string, ChargePermission>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly buyerTokens = new Map<string, { buyerKey: string; scopes: string[]; createdAt: number }>();

  constructor(private readonly o: EngineOptions) {}

  private now(): number {
    return this.o.clock.now();
  }

  private setStatus<S extends string>(
    target: { status: Status<S> },
    state: S,
    reasonCode: string | null,
    at: number,
    description?: string,
  ): void {
    target.status = {
      state,
      reasonCode,
      reasonDescription: reasonCode === null ? null : (description ?? DESCRIPTIONS[reasonCode] ?? reasonCode),
      updatedAt: at,
    };
  }

  private notify(objectType: ObjectType, objectId: string, chargePermissionId: string): void {
    this.o.onChange({ objectType, objectId, chargePermissionId });
  }

  // ---- checkout sessions ----

  createSession(body: unknown, env: ReleaseEnvironment): CheckoutSession {
    const b = parseBody(createSessionBody, body);
    const pd = b.paymentDetails ?? {};
    if (pd.chargeAmount !== undefined) this.checkChargeAmount(pd.chargeAmount, 'paymentDetails.chargeAmount');
    const now = this.now();
    const session: CheckoutSession = {
      id: newCheckoutSessionId(),
      createdAt: now,
      storeId: b.storeId,
      env,
      checkoutReviewReturnUrl: b.webCheckoutDetails.checkoutReviewReturnUrl,
      checkoutResultReturnUrl: b.webCheckoutDetails.checkoutResultReturnUrl ?? null,
      checkoutCancelUrl: b.webCheckoutDetails.checkoutCancelUrl ?? null,
      paymentIntent: pd.paymentIntent ?? null,
      canHandlePendingAuthorization: pd.canHandlePendingAuthorization ?? false,
      chargeAmount: pd.chargeAmount ?? null,
      totalOrderAmount: pd.totalOrderAmount ?? null,
      softDescriptor: pd.softDescriptor ?? null,
      allowOvercharge: pd.allowOvercharge ?? false,
      extendExpiration: pd.extendExpiration ?? false,
      merchantMetadata: mergeMetadata(EMPTY_METADATA, b.merchantMetadata),
      platformId: b.platformId ?? null,
      choice: null,
      buyerConfirmed: false,
      status: { state: 'Open', reasonCode: null, reasonDescription: null, updatedAt: now },
      chargePermissionId: null,
      chargeId: null,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  getSession(id: string): CheckoutSession {
    this.sweep();
    const session = this.sessions.get(id);
    if (session === undefined) throw notFound('Checkout Session', id);
    return session;
  }

  private openSession(id: string): CheckoutSession {
    const session = this.getSession(id);
    if (session.status.state !== 'Open') {
      throw new ApiError(
        422,
        'InvalidCheckoutSessionStatus',
        `The Checkout Session is ${session.status.state}; the operation needs it Open.`,
      );
    }
    return session;
  }

  updateSession(id: string, body: unknown): CheckoutSession {
    const b = parseBody(updateSessionBody, body);
    const session = this.openSession(id);
    const pd = b.paymentDetails;
    if (pd?.chargeAmount !== undefined) this.checkChargeAmount(pd.chargeAmount, 'paymentDetails.chargeAmount');
    if (b.webCheckoutDetails?.checkoutResultReturnUrl !== undefined)
      session.checkoutResultReturnUrl = b.webCheckoutDetails.checkoutResultReturnUrl;
    if (b.webCheckoutDetails?.checkoutCancelUrl !== undefined)
      session.checkoutCancelUrl = b.webCheckoutDetails.checkoutCancelUrl;
    if (pd !== undefined) {
      if (pd.paymentIntent !== undefined) session.paymentIntent = pd.paymentIntent;
      if (pd.canHandlePendingAuthorization !== undefined)
        session.canHandlePendingAuthorization = pd.canHandlePendingAuthorization;
      if (pd.chargeAmount !== undefined) session.chargeAmount = pd.chargeAmount;
      if (pd.totalOrderAmount !== undefined) session.totalOrderAmount = pd.totalOrderAmount;
      if (pd.softDescriptor !== undefined) session.softDescriptor = pd.softDescriptor;
      if (pd.extendExpiration !== undefined) session.extendExpiration = pd.extendExpiration;
    }
    session.merchantMetadata = mergeMetadata(session.merchantMetadata, b.merchantMetadata);
    return session;
  }

  /** What the buyer does on Amazon's page: sign in, pick an address and a payment instrument. */
  chooseForSession(
    id: string,
    input: {
      buyer?: string | undefined;
      addressIndex?: number | undefined;
      instrument: InstrumentKind;
      cardIndex?: number | undefined;
      authorizationBehavior?: AuthorizationBehavior | undefined;
    },
  ): CheckoutSession {
    const session = this.openSession(id);
    session.choice = resolveChoice(input);
    session.buyerConfirmed = false;
    return session;
  }

  /** What the buyer does on the amazonPayRedirectUrl page. */
  confirmSession(id: string): CheckoutSession {
    const session = this.openSession(id);
    const constraints = sessionConstraints(session);
    if (constraints.length > 0) {
      throw new ApiError(
        422,
        'InvalidCheckoutSessionStatus',
        `The Checkout Session has constraints: ${constraints.map((c) => c.constraintId).join(', ')}.`,
      );
    }
    session.buyerConfirmed = true;
    return session;
  }

  /** The buyer leaves Amazon's page with "cancel". */
  buyerCancelSession(id: string): CheckoutSession {
    const session = this.openSession(id);
    this.setStatus(session, 'Canceled', 'BuyerCanceled', this.now());
    return session;
  }

  completeSession(id: string, body: unknown, simulation: SimulationCode): { session: CheckoutSession; status: number } {
    const b = parseBody(completeSessionBody, body);
    const session = this.openSession(id);
    const constraints = sessionConstraints(session);
    if (constraints.length > 0) {
      throw new ApiError(
        422,
        'InvalidCheckoutSessionStatus',
        `The Checkout Session has constraints: ${constraints.map((c) => c.constraintId).join(', ')}.`,
      );
    }
    if (!session.buyerConfirmed) {
      throw new ApiError(
        422,
        'InvalidCheckoutSessionStatus',
        'The buyer has not confirmed the checkout at amazonPayRedirectUrl yet.',
      );
    }
    if (b.chargeAmount !== session.chargeAmount) {
      throw new ApiError(
        400,
        'AmountMismatch',
        `chargeAmount ${b.chargeAmount} does not match the Checkout Session's chargeAmount ${session.chargeAmount}.`,
      );
    }
    const choice = session.choice;
    const intent = session.paymentIntent;
    const amount = session.chargeAmount;
    if (choice === null || intent === null || amount === null) throw new Error('constraints were checked');
    const now = this.now();

    if (simulation === 'BuyerCanceled' || simulation === 'AmazonCanceled' || simulation === 'Declined') {
      this.setStatus(session, 'Canceled', simulation, now);
      throw new ApiError(
        422,
        'CheckoutSessionCanceled',
        `The checkout was canceled (${simulation}). Read the Checkout Session's statusDetails for the reason.`,
      );
    }
    let behavior: AuthorizationBehavior = choice.behavior;
    if (simulation === 'AuthorizationInitiated') {
      if (intent !== 'Authorize' || !session.canHandlePendingAuthorization) {
        throw new ApiError(
          400,
          'InvalidSandboxSimulationSpecified',
          'AuthorizationInitiated needs paymentIntent Authorize and canHandlePendingAuthorization true.',
        );
      }
      behavior = 'pending_then_authorized';
    }
    // Without canHandlePendingAuthorization a pending-then-declined instrument declines at once.
    if (
      intent !== 'Confirm' &&
      behavior === 'pending_then_declined' &&
      !(intent === 'Authorize' && session.canHandlePendingAuthorization)
    ) {
      this.setStatus(session, 'Canceled', 'Declined', now);
      throw new ApiError(
        422,
        'CheckoutSessionCanceled',
        "The checkout was canceled (Declined). Read the Checkout Session's statusDetails for the reason.",
      );
    }

    const permission: ChargePermission = {
      id: newChargePermissionId(),
      createdAt: now,
      expiresAt: now + PERMISSION_TTL_MS,
      checkoutSessionId: session.id,
      env: session.env,
      choice,
      amountLimit: amountLimitFor(amount, session.allowOvercharge, choice.instrument.kind),
      merchantMetadata: session.merchantMetadata,
      platformId: session.platformId,
      status: { state: 'Chargeable', reasonCode: null, reasonDescription: null, updatedAt: now },
      chargeIds: [],
      refundSequence: 0,
    };
    this.permissions.set(permission.id, permission);
    session.chargePermissionId = permission.id;
    let httpStatus = 200;
    if (intent !== 'Confirm') {
      const pendingAllowed = intent === 'Authorize' && session.canHandlePendingAuthorization;
      const charge = this.authorize(permission, amount, {
        captureNow: intent === 'AuthorizeWithCapture',
        softDescriptor: session.softDescriptor,
        merchantMetadata: session.merchantMetadata,
        behavior: pendingAllowed ? behavior : behavior === 'pending_then_authorized' ? 'normal' : behavior,
      });
      session.chargeId = charge.id;
      if (charge.status.state === 'AuthorizationInitiated') httpStatus = 202;
    }
    this.setStatus(session, 'Completed', null, now);
    this.refreshPermission(permission, now);
    this.notify('CHARGE_PERMISSION', permission.id, permission.id);
    return { session, status: httpStatus };
  }

  // ---- charge permissions ----

  getPermission(id: string): ChargePermission {
    this.sweep();
    const permission = this.permissions.get(id);
    if (permission === undefined) throw notFound('Charge Permission', id);
    return permission;
  }

  balanceOf(permission: ChargePermission): number {
    let used = 0;
    for (const chargeId of permission.chargeIds) {
      const charge = this.charges.get(chargeId);
      if (charge !== undefined) used += consumedBy(charge);
    }
    return permission.amountLimit - used;
  }

  updatePermission(id: string, body: unknown): ChargePermission {
    const b = parseBody(updatePermissionBody, body);
    const permission = this.getPermission(id);
    if (permission.status.state === 'Closed')
      throw new ApiError(422, 'InvalidChargePermissionStatus', 'The Charge Permission is Closed.');
    permission.merchantMetadata = mergeMetadata(permission.merchantMetadata, b.merchantMetadata);
    return permission;
  }

  closePermission(id: string, body: unknown, simulation: SimulationCode): ChargePermission {
    const b = parseBody(closePermissionBody, body);
    const permission = this.getPermission(id);
    if (permission.status.state === 'Closed') return permission;
    const now = this.now();
    if (b.cancelPendingCharges === true) this.cancelOpenCharges(permission, 'ChargePermissionCanceled', now);
    this.setStatus(
      permission,
      'Closed',
      simulation === 'AmazonClosed' ? 'AmazonClosed' : 'MerchantClosed',
      now,
      b.closureReason ?? undefined,
    );
    this.notify('CHARGE_PERMISSION', permission.id, permission.id);
    return permission;
  }

  private cancelOpenCharges(permission: ChargePermission, reason: string, at: number): void {
    for (const chargeId of permission.chargeIds) {
      const charge = this.charges.get(chargeId);
      if (
        charge !== undefined &&
        (charge.status.state === 'Authorized' || charge.status.state === 'AuthorizationInitiated')
      ) {
        charge.pending = null;
        this.setStatus(charge, 'Canceled', reason, at);
        this.notify('CHARGE', charge.id, permission.id);
      }
    }
  }

  /** Chargeable while something is left; once the limit is used: NonChargeable while charges are open, else Closed. */
  private refreshPermission(permission: ChargePermission, at: number): void {
    if (permission.status.state === 'Closed') return;
    const balance = this.balanceOf(permission);
    let next: { state: 'Chargeable' | 'NonChargeable' | 'Closed'; reason: string | null } = {
      state: 'Chargeable',
      reason: null,
    };
    if (balance <= 0) {
      const open = permission.chargeIds.some((cid) => {
        const s = this.charges.get(cid)?.status.state;
        return s === 'Authorized' || s === 'AuthorizationInitiated' || s === 'CaptureInitiated';
      });
      next = open
        ? { state: 'NonChargeable', reason: 'ChargeInProgress' }
        : { state: 'Closed', reason: 'AmountLimitReached' };
    }
    if (next.state !== permission.status.state || next.reason !== permission.status.reasonCode) {
      this.setStatus(permission, next.state, next.reason, at);
      this.notify('CHARGE_PERMISSION', permission.id, permission.id);
    }
  }

  // ---- charges ----

  private checkChargeAmount(amount: number, field: string): void {
    if (amount <= 0) throw badParam(`${field}: the amount must be positive`);
    if (amount > MAX_CHARGE_AMOUNT)
      throw new ApiError(
        400,
        'TransactionAmountExceeded',
        `${field}: a charge is at most ¥${MAX_CHARGE_AMOUNT.toLocaleString('en-US')}.`,
      );
  }

  private authorize(
    permission: ChargePermission,
    amount: number,
    o: {
      captureNow: boolean;
      softDescriptor: string | null;
      merchantMetadata: MerchantMetadata;
      behavior: AuthorizationBehavior;
      declineWith?: string;
      captureInitiated?: boolean;
    },
  ): Charge {
    const now = this.now();
    const charge: Charge = {
      id: newChargeId(permission.id, permission.chargeIds.length + 1),
      chargePermissionId: permission.id,
      createdAt: now,
      env: permission.env,
      chargeAmount: amount,
      captureAmount: null,
      refundedAmount: 0,
      softDescriptor: o.softDescriptor,
      merchantMetadata: o.merchantMetadata,
      platformId: permission.platformId,
      captureNow: o.captureNow,
      authorizedAt: null,
      expiresAt: now + AUTHORIZATION_TTL_MS,
      pending: null,
      status: { state: 'AuthorizationInitiated', reasonCode: null, reasonDescription: null, updatedAt: now },
    };
    this.charges.set(charge.id, charge);
    permission.chargeIds.push(charge.id);

    if (o.declineWith !== undefined) {
      this.setStatus(charge, 'Declined', o.declineWith, now);
    } else if (o.behavior === 'pending_then_authorized' || o.behavior === 'pending_then_declined') {
      charge.pending = {
        at: now + this.o.pendingAuthDelayMs,
        outcome: o.behavior === 'pending_then_declined' ? 'HardDeclined' : 'Authorized',
      };
      this.o.scheduleSweep(this.o.pendingAuthDelayMs);
    } else {
      this.markAuthorized(charge, now);
      if (o.captureInitiated === true) {
        charge.captureAmount = amount;
        this.setStatus(charge, 'CaptureInitiated', null, now);
        charge.pending = { at: now + this.o.pendingAuthDelayMs, outcome: 'Captured' };
        this.o.scheduleSweep(this.o.pendingAuthDelayMs);
      } else if (o.captureNow) {
        charge.captureAmount = amount;
        this.setStatus(charge, 'Captured', null, now);
      }
    }
    this.notify('CHARGE', charge.id, permission.id);
    return charge;
  }

  private markAuthorized(charge: Charge, at: number): void {
    charge.authorizedAt = at;
    charge.expiresAt = at + AUTHORIZATION_TTL_MS;
    this.setStatus(charge, 'Authorized', null, at);
  }

  createCharge(body: unknown, simulation: SimulationCode): { charge: Charge; status: number } {
    const b = parseBody(createChargeBody, body);
    this.checkChargeAmount(b.chargeAmount, 'chargeAmount');
    const permission = this.getPermission(b.chargePermissionId);
    const refused = () =>
      new ApiError(
        422,
        'InvalidChargePermissionStatus',
        `The Charge Permission is ${permission.status.state}${permission.status.reasonCode === null ? '' : ` (${permission.status.reasonCode})`}.`,
      );
    if (permission.status.state === 'Closed') throw refused();
    if (permission.chargeIds.length >= MAX_CHARGES_PER_PERMISSION) {
      throw new ApiError(
        400,
        'TransactionCountExceeded',
        `A Charge Permission allows at most ${MAX_CHARGES_PER_PERMISSION} charges.`,
      );
    }
    // Checked before NonChargeable: a permission whose limit is held by open charges says why.
    const balance = this.balanceOf(permission);
    if (b.chargeAmount > balance) {
      throw new ApiError(
        400,
        'TransactionAmountExceeded',
        `chargeAmount ${b.chargeAmount} exceeds the Charge Permission's amountBalance ${balance} (amountLimit ${permission.amountLimit}).`,
      );
    }
    if (permission.status.state !== 'Chargeable') throw refused();
    if (simulation === 'CaptureInitiated' && b.captureNow !== true) {
      throw new ApiError(400, 'InvalidSandboxSimulationSpecified', 'CaptureInitiated needs captureNow true.');
    }
    const declineWith =
      simulation === 'SoftDeclined' ||
      simulation === 'HardDeclined' ||
      simulation === 'AmazonRejected' ||
      simulation === 'TransactionTimedOut'
        ? simulation
        : undefined;
    const canPend = b.canHandlePendingAuthorization === true;
    let behavior = permission.choice.behavior;
    if (!canPend) {
      if (behavior === 'pending_then_authorized') behavior = 'normal';
    }
    const charge = this.authorize(permission, b.chargeAmount, {
      captureNow: b.captureNow === true,
      softDescriptor: b.softDescriptor ?? null,
      merchantMetadata: mergeMetadata(EMPTY_METADATA, b.merchantMetadata),
      behavior,
      declineWith: declineWith ?? (!canPend && behavior === 'pending_then_declined' ? 'HardDeclined' : undefined),
      captureInitiated: simulation === 'CaptureInitiated',
    });
    this.refreshPermission(permission, this.now());
    if (charge.status.state === 'Declined') {
      const reason = charge.status.reasonCode ?? 'HardDeclined';
      throw new ApiError(400, reason, `The authorization was declined (${reason}); see Charge ${charge.id}.`);
    }
    return { charge, status: 201 };
  }

  getCharge(id: string): Charge {
    this.sweep();
    const charge = this.charges.get(id);
    if (charge === undefined) throw notFound('Charge', id);
    return charge;
  }

  captureCharge(id: string, body: unknown): Charge {
    const b = parseBody(captureChargeBody, body);
    const charge = this.getCharge(id);
    if (charge.status.state === 'Captured' && charge.captureAmount === b.captureAmount) return charge;
    if (charge.status.state !== 'Authorized') {
      throw new ApiError(
        422,
        'InvalidChargeStatus',
        `The Charge is ${charge.status.state}; only an Authorized charge can be captured.`,
      );
    }
    if (b.captureAmount <= 0) throw badParam('captureAmount: the amount must be positive');
    if (b.captureAmount > charge.chargeAmount) {
      throw new ApiError(
        400,
        'TransactionAmountExceeded',
        `captureAmount ${b.captureAmount} exceeds the authorized chargeAmount ${charge.chargeAmount}.`,
      );
    }
    const now = this.now();
    charge.captureAmount = b.captureAmount;
    if (b.softDescriptor != null) charge.softDescriptor = b.softDescriptor;
    if (charge.authorizedAt !== null && now - charge.authorizedAt > CAPTURE_PENDING_AFTER_MS) {
      // Amazon: a capture more than 7 days after the authorization may go pending (re-authorized behind the scenes).
      this.setStatus(charge, 'CaptureInitiated', null, now);
      charge.pending = { at: now + this.o.pendingAuthDelayMs, outcome: 'Captured' };
      this.o.scheduleSweep(this.o.pendingAuthDelayMs);
    } else {
      this.setStatus(charge, 'Captured', null, now);
    }
    this.notify('CHARGE', charge.id, charge.chargePermissionId);
    const permission = this.permissions.get(charge.chargePermissionId);
    if (permission !== undefined) this.refreshPermission(permission, now);
    return charge;
  }

  cancelCharge(id: string, body: unknown): Charge {
    const b = parseBody(cancelChargeBody, body);
    const charge = this.getCharge(id);
    if (charge.status.state !== 'Authorized' && charge.status.state !== 'AuthorizationInitiated') {
      throw new ApiError(
        422,
        'InvalidChargeStatus',
        `The Charge is ${charge.status.state}; only an authorization can be canceled.`,
      );
    }
    const now = this.now();
    charge.pending = null;
    this.setStatus(charge, 'Canceled', 'MerchantCanceled', now, b.cancellationReason ?? undefined);
    this.notify('CHARGE', charge.id, charge.chargePermissionId);
    const permission = this.permissions.get(charge.chargePermissionId);
    if (permission !== undefined) this.refreshPermission(permission, now);
    return charge;
  }

  // ---- refunds ----

  createRefund(body: unknown): Refund {
    const b = parseBody(createRefundBody, body);
    if (b.refundAmount <= 0) throw badParam('refundAmount: the amount must be positive');
    const charge = this.getCharge(b.chargeId);
    if (charge.status.state !== 'Captured')
      throw new ApiError(
        422,
        'InvalidChargeStatus',
        `The Charge is ${charge.status.state}; only a Captured charge can be refunded.`,
      );
    const refunded = this.refundsOf(charge.id)
      .filter((r) => r.status.state !== 'Declined')
      .reduce((sum, r) => sum + r.amount, 0);
    const captured = charge.captureAmount ?? 0;
    if (refunded + b.refundAmount > captured) {
      throw new ApiError(
        400,
        'TransactionAmountExceeded',
        `refundAmount ${b.refundAmount} exceeds what remains refundable (${captured - refunded} of ${captured} captured).`,
      );
    }
    const permission = this.getPermission(charge.chargePermissionId);
    permission.refundSequence += 1;
    const now = this.now();
    const refund: Refund = {
      id: newRefundId(permission.id, permission.refundSequence),
      chargeId: charge.id,
      chargePermissionId: permission.id,
      createdAt: now,
      env: charge.env,
      amount: b.refundAmount,
      softDescriptor: b.softDescriptor ?? null,
      resolveAt: now + this.o.refundDelayMs,
      status: { state: 'RefundInitiated', reasonCode: null, reasonDescription: null, updatedAt: now },
    };
    this.refunds.set(refund.id, refund);
    this.notify('REFUND', refund.id, permission.id);
    this.o.scheduleSweep(this.o.refundDelayMs);
    return refund;
  }

  refundsOf(chargeId: string): Refund[] {
    return [...this.refunds.values()].filter((r) => r.chargeId === chargeId);
  }

  getRefund(id: string): Refund {
    this.sweep();
    const refund = this.refunds.get(id);
    if (refund === undefined) throw notFound('Refund', id);
    return refund;
  }

  // ---- buyers (Amazon sign-in) ----

  issueBuyerToken(buyerKey: string, scopes: string[], token: string): string {
    if (findBuyer(buyerKey) === undefined) throw badParam(`unknown test buyer ${buyerKey}`);
    this.buyerTokens.set(token, { buyerKey, scopes, createdAt: this.now() });
    return token;
  }

  // ---- test control ----

  /** Plants a state (e.g. a mismatch for reconciliation tests); notifies like a real change. */
  plantChargeState(id: string, state: ChargeState, reasonCode: string | null): Charge {
    const charge = this.getCharge(id);
    const now = this.now();
    charge.pending = null;
    if ((state === 'Captured' || state === 'CaptureInitiated') && charge.captureAmount === null)
      charge.captureAmount = charge.chargeAmount;
    if (state === 'Authorized' && charge.authorizedAt === null) charge.authorizedAt = now;
    this.setStatus(charge, state, reasonCode, now);
    this.notify('CHARGE', charge.id, charge.chargePermissionId);
    const permission = this.permissions.get(charge.chargePermissionId);
    if (permission !== undefined) this.refreshPermission(permission, now);
    return charge;
  }

  plantRefundState(id: string, state: Refund['status']['state'], reasonCode: string | null): Refund {
    const refund = this.getRefund(id);
    const before = refund.status.state;
    this.setStatus(refund, state, reasonCode, this.now());
    this.applyRefundTotals(refund, before);
    this.notify('REFUND', refund.id, refund.chargePermissionId);
    return refund;
  }

  private applyRefundTotals(refund: Refund, before: Refund['status']['state']): void {
    const charge = this.charges.get(refund.chargeId);
    if (charge === undefined) return;
    if (before !== 'Refunded' && refund.status.state === 'Refunded') charge.refundedAmount += refund.amount;
    if (before === 'Refunded' && refund.status.state !== 'Refunded') charge.refundedAmount -= refund.amount;
  }

  // ---- time ----

  /** Applies everything due by now, each at the time it became due. */
  sweep(): void {
    const now = this.now();
    for (const session of this.sessions.values()) {
      if (session.status.state === 'Open' && now >= session.createdAt + SESSION_TTL_MS) {
        this.setStatus(
          session,
          'Canceled',
          'Expired',
          session.createdAt + SESSION_TTL_MS,
          'The buyer did not complete checkout within 24 hours.',
        );
      }
    }
    const touched = new Set<ChargePermission>();
    for (const charge of this.charges.values()) {
      const permission = this.permissions.get(charge.chargePermissionId);
      if (charge.pending !== null && now >= charge.pending.at) {
        const { at, outcome } = charge.pending;
        charge.pending = null;
        if (outcome === 'Authorized') {
          this.markAuthorized(charge, at);
          if (charge.captureNow) {
            charge.captureAmount = charge.chargeAmount;
            this.setStatus(charge, 'Captured', null, at);
          }
        } else if (outcome === 'Captured') this.setStatus(charge, 'Captured', null, at);
        else this.setStatus(charge, 'Declined', outcome, at);
        this.notify('CHARGE', charge.id, charge.chargePermissionId);
        if (permission !== undefined) touched.add(permission);
      }
      if (
        (charge.status.state === 'Authorized' || charge.status.state === 'AuthorizationInitiated') &&
        charge.pending === null &&
        now >= charge.expiresAt
      ) {
        this.setStatus(charge, 'Canceled', 'ExpiredUnused', charge.expiresAt);
        this.notify('CHARGE', charge.id, charge.chargePermissionId);
        if (permission !== undefined) touched.add(permission);
      }
    }
    for (const refund of this.refunds.values()) {
      if (refund.status.state === 'RefundInitiated' && now >= refund.resolveAt) {
        this.setStatus(refund, 'Refunded', null, refund.resolveAt);
        this.applyRefundTotals(refund, 'RefundInitiated');
        this.notify('REFUND', refund.id, refund.chargePermissionId);
      }
    }
    for (const permission of this.permissions.values()) {
      if (permission.status.state !== 'Closed' && now >= permission.expiresAt) {
        this.cancelOpenCharges(permission, 'ChargePermissionCanceled', permission.expiresAt);
        this.setStatus(
          permission,
          'Closed',
          'Expired',
          permission.expiresAt,
          'The Charge Permission expired 180 days after it was created.',
        );
        this.notify('CHARGE_PERMISSION', permission.id, permission.id);
        touched.delete(permission);
      }
    }
    for (const permission of touched) this.refreshPermission(permission, now);
  }
}

export const chooseInputSchema = z.object({
  buyer: z.string().optional(),
  addressIndex: z.number().int().min(0).optional(),
  /** Further destinations for the session's shippingAddressList (multi-destination checkouts). */
  additionalAddressIndexes: z.array(z.number().int().min(0)).max(5).optional(),
  instrument: z.enum(['gift_card', 'gift_card_and_card', 'card']),
  cardIndex: z.number().int().min(0).optional(),
  authorizationBehavior: z.enum(['normal', 'pending_then_authorized', 'pending_then_declined']).optional(),
});

function resolveChoice(input: z.infer<typeof chooseInputSchema>): BuyerChoice {
  const buyer = findBuyer(input.buyer ?? 'taro');
  if (buyer === undefined)
    throw badParam(`unknown test buyer ${input.buyer}; known: ${TEST_BUYERS.map((b) => b.key).join(', ')}`);
  const address = buyer.addresses[input.addressIndex ?? 0];
  if (address === undefined) throw badParam(`buyer ${buyer.key} has ${buyer.addresses.length} addresses`);
  let card = null;
  if (input.instrument !== 'gift_card') {
    card = buyer.cards[input.cardIndex ?? 0] ?? null;
    if (card === null) throw badParam(`buyer ${buyer.key} has ${buyer.cards.length} cards`);
  }
  const extraAddresses = (input.additionalAddressIndexes ?? []).map((index) => {
    const extra = buyer.addresses[index];
    if (extra === undefined) throw badParam(`buyer ${buyer.key} has ${buyer.addresses.length} addresses`);
    return extra;
  });
  const instrument = { kind: input.instrument, card };
  return {
    buyer,
    address,
    extraAddresses,
    instrument,
    behavior: input.authorizationBehavior ?? authorizationBehavior(instrument),
  };
}
