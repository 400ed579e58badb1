/**
 * The order lifecycle as a model-based test: random sequences of what buyers and shop staff do —
 * Amazon return, order procedure, 「注文確定」 (again), complete (again), raise, lower, capture,
 * refund, cancel, duplicate sends, waiting days — interleaved with what Amazon and the machines do
 * to them: refusals, declines, 5xx, lost answers, worker restarts. After every step the invariants
 * below are checked against the real workflow, the point account, the emulator's ledger, the read
 * model and the journal of every Amazon call.
 */
import fc from 'fast-check';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { readPointAccount } from '../../activities/points.js';
import type { CartItem } from '../../domain/cart.js';
import { amountLimit } from '../../domain/amount-limits.js';
import {
  ADDRESS_UNUSABLE_MESSAGE,
  AMAZON_UNAVAILABLE_MESSAGE,
  SINGLE_DESTINATION_MESSAGE,
} from '../../domain/messages.js';
import {
  amazonNotification,
  amazonReturn,
  cancelOrder,
  captureOrder,
  changeAmount,
  completeOrder,
  confirmOrder,
  refundOrder,
  submitProcedure,
  type OrderStatus,
  type OrderView,
} from '../../workflows/order/definitions.js';
import {
  idempotencyViolations,
  type AmazonOperation,
  type FaultyAmazonPay,
  type PlannedFault,
} from '../support/amazon-faults.js';
import type { AmazonChoice } from '../support/checkout.js';
import { ordererOf, procedureForm } from '../support/checkout.js';
import { eventually } from '../support/servers.js';
import { closed, quiet } from '../support/waiting.js';
import {
  buyerAtAmazon,
  chooseAgain,
  confirmAtAmazon,
  KYUSU,
  memberWithPoints,
  queryOrder,
  startOrder,
  TEA,
  type OrderHarness,
} from '../support/order-harness.js';

// ---- the system under test and what the model knows -------------------------------------------

export interface Real {
  h: OrderHarness;
  faults: FaultyAmazonPay;
  handle: WorkflowHandle;
  orderId: string;
  memberId: string | null;
  initialPoints: number;
  sessionId: string | null;
  /** The buyer pressed 「支払う」 on Amazon's amount page for this confirmation. */
  confirmedAtAmazon: boolean;
  coverage: RunCoverage;
}

export interface Model {
  status: OrderStatus;
  /** The workflow has completed (nothing more can be sent to it). */
  closed: boolean;
}

export interface RunCoverage {
  actions: string[];
  faults: string[];
  statuses: Set<OrderStatus>;
  refusals: number;
}

const CHECKOUT: OrderStatus[] = ['CheckoutCreated', 'AddressSelected', 'ProcedureEntered'];
const AFTER_CAPTURE: OrderStatus[] = ['Captured', 'PartiallyRefunded', 'Refunded'];
const PLACED_FAMILY: OrderStatus[] = ['Placed', ...AFTER_CAPTURE];
const FINAL: OrderStatus[] = ['Failed', 'Abandoned'];

interface Refusal {
  type: string | undefined;
  message: string;
  details: unknown;
}

/** Runs an update; a refusal of the order is an answer (returned), anything else a failure. */
async function attempt<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; refusal: Refusal }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause as { type?: string; message: string; details?: unknown[] } | undefined;
      return {
        ok: false,
        refusal: { type: cause?.type, message: cause?.message ?? error.message, details: cause?.details?.[0] },
      };
    }
    throw error;
  }
}

/** MODEL_TRACE=1 prints every step with its timing. */
const TRACE = process.env['MODEL_TRACE'] === '1';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** A buyer-facing refusal is in Japanese; the manual's texts exactly (docs/rules.md). */
function buyerMessageOk(refusal: Refusal): void {
  if (!JAPANESE.test(refusal.message))
    throw new Error(`buyer-facing refusal not in Japanese: ${refusal.type} ${refusal.message}`);
  if (
    refusal.type === 'Order.AddressUnusable' &&
    refusal.message !== ADDRESS_UNUSABLE_MESSAGE &&
    refusal.message !== SINGLE_DESTINATION_MESSAGE
  ) {
    throw new Error(`C7 message is not the manual's text: ${refusal.message}`);
  }
}

async function sync(m: Model, r: Real): Promise<OrderView> {
  const view = await queryOrder(r.handle);
  m.status = view.status;
  r.coverage.statuses.add(view.status);
  const description = await r.handle.describe();
  m.closed = description.status.name !== 'RUNNING';
  return view;
}

function planFaults(r: Real, operation: AmazonOperation, fault: FaultName): void {
  if (fault === 'none') return;
  r.coverage.faults.push(`${operation}:${fault}`);
  const plans: Record<Exclude<FaultName, 'none'>, PlannedFault[]> = {
    // Absorbed by the activity's own retries: the same request, the same key.
    blip: [{ kind: 'unavailable' }, { kind: 'unavailable' }],
    lost: [{ kind: 'lost' }],
    // A 400 from Amazon (an unknown simulation code is a real refusal of the sandbox).
    refuse: [{ kind: 'simulate', code: 'NotASimulationCode' }],
    decline: [{ kind: 'simulate', code: operation === 'completeCheckoutSession' ? 'Declined' : 'HardDeclined' }],
    // Longer than the activity's retries: the step answers "try again later".
    outage: Array.from({ length: 12 }, () => ({ kind: 'unavailable' as const })),
  };
  for (const planned of plans[fault]) r.faults.plan(operation, planned);
}

type FaultName = 'none' | 'blip' | 'lost' | 'refuse' | 'decline' | 'outage';

/**
 * Waits until the order has acted on what came due (timers that fired, re-reads after a
 * notification): no activity pending and no new version for a moment.
 */
async function settle(r: Real, since: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = since;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [view, description] = await Promise.all([queryOrder(r.handle), r.handle.describe()]);
    const busy = (description.raw.pendingActivities?.length ?? 0) > 0 || description.raw.pendingWorkflowTask != null;
    if ((!busy && view.version === last) || description.status.name !== 'RUNNING' || Date.now() > deadline) return;
    last = view.version;
  }
}

// ---- invariants --------------------------------------------------------------------------------

/** Checked after every step. Throws with what is wrong. */
async function checkInvariants(r: Real): Promise<void> {
  const view = await queryOrder(r.handle);
  const problems: string[] = [];
  const p = view.payment;

  // Points: balance = granted − spent + returned, never negative; the discount ⇔ exactly those debited.
  const pointsAccount = view.memberId ?? view.registeredMemberId;
  if (pointsAccount !== null) {
    const account = await readPointAccount(r.h.env.client, pointsAccount);
    const initial = view.memberId === null ? 0 : r.initialPoints;
    const spent = p !== null ? view.pointsUsed : 0;
    const returned = p?.usedPointsReturned ?? 0;
    const revoked = p?.purchasePointsRevoked ?? 0;
    const { state, points } = view.purchasePoints;
    const activated = state === 'usable' || (state === 'revoked' && revoked > 0) ? points : 0;
    const expected = initial - spent + returned + activated - revoked;
    if (account.balance !== expected)
      problems.push(
        `points balance ${account.balance}, expected ${expected} (initial ${initial} − spent ${spent} + returned ${returned} + activated ${activated} − revoked ${revoked})`,
      );
    if (account.balance < 0) problems.push(`points balance negative: ${account.balance}`);
    const reserved = ['Confirmed', 'Authorizing'].includes(view.status) ? view.pointsUsed : 0;
    if (account.reserved !== reserved)
      problems.push(`points reserved ${account.reserved}, expected ${reserved} in ${view.status}`);
    const pending = state === 'pending' ? points : 0;
    if (account.pending !== pending) problems.push(`points pending ${account.pending}, expected ${pending}`);
  }
  if (view.totals.pointsDiscount !== view.pointsUsed)
    problems.push(`points discount ${view.totals.pointsDiscount} ≠ points used ${view.pointsUsed}`);

  // Money, against Amazon's own ledger.
  const engine = r.h.emu.emulator.engine;
  const permissions = [...engine.permissions.values()].filter(
    (permission) => permission.merchantMetadata.merchantReferenceId === r.orderId,
  );
  if (permissions.length > 1) problems.push(`${permissions.length} charge permissions for one order`);
  const permission = permissions[0];
  if (permission !== undefined) {
    const charges = permission.chargeIds.map((id) => engine.charges.get(id)).filter((c) => c !== undefined);
    const refunds = [...engine.refunds.values()].filter((refund) => refund.chargePermissionId === permission.id);
    const authorized = charges
      .filter((c) => c.status.state !== 'Declined' && c.status.state !== 'Canceled')
      .reduce((sum, c) => sum + c.chargeAmount, 0);
    const captured = charges
      .filter((c) => c.status.state === 'Captured')
      .reduce((sum, c) => sum + (c.captureAmount ?? 0), 0);
    const refunded = refunds
      .filter((refund) => refund.status.state !== 'Declined')
      .reduce((sum, refund) => sum + refund.amount, 0);
    if (captured > charges.filter((c) => c.status.state !== 'Declined').reduce((sum, c) => sum + c.chargeAmount, 0))
      problems.push(`Amazon captured ${captured} > authorized ${authorized}`);
    if (p !== null && authorized > amountLimit(p.orderAmount))
      problems.push(`authorized ${authorized} > the A2 cap ${amountLimit(p.orderAmount)}`);
    if (refunded > captured) problems.push(`Amazon refunded ${refunded} > captured ${captured}`);
    if (p === null) {
      if (charges.length > 0 && !['Authorizing', 'Failed'].includes(view.status))
        problems.push(`Amazon has ${charges.length} charge(s) for an order in ${view.status}`);
    } else {
      const unanswered = p.unanswered === null ? 0 : 1;
      // A declined authorization holds no money: Amazon answers it with a 400 that names no charge.
      const unknownCharges = charges.filter(
        (c) => c.status.state !== 'Declined' && !p.charges.some((entry) => entry.chargeId === c.id),
      );
      if (unknownCharges.length > unanswered)
        problems.push(
          `Amazon holds charges the order does not know: ${unknownCharges.map((c) => `${c.id} ${c.status.state}`).join(', ')}`,
        );
      const unknownRefunds = refunds.filter((refund) => !p.refunds.some((entry) => entry.refundId === refund.id));
      if (unknownRefunds.length > unanswered)
        problems.push(`Amazon holds refunds the order does not know: ${unknownRefunds.map((x) => x.id).join(', ')}`);
      const capturedHere = p.charges
        .filter((c) => c.state === 'Captured')
        .reduce((sum, c) => sum + c.capturedAmount, 0);
      if (capturedHere > captured) problems.push(`the order counts ${capturedHere} captured, Amazon ${captured}`);
      if (p.capturedAmount > 0 && p.refundedAmount > p.capturedAmount)
        problems.push(`the order refunded ${p.refundedAmount} > captured ${p.capturedAmount}`);
      if (p.capturedAmount > p.amount && view.status !== 'Placed')
        problems.push(`captured ${p.capturedAmount} > order amount ${p.amount}`);
      // Every charge that Amazon has authorized and not captured must be one the order can capture or release.
      // (A pending one that Amazon authorized since the order last looked is released when it does.)
      for (const c of charges) {
        const known = p.charges.find((entry) => entry.chargeId === c.id)?.state;
        if (
          c.status.state === 'Authorized' &&
          known === 'Authorized' &&
          [...AFTER_CAPTURE, 'Canceled'].includes(view.status)
        ) {
          problems.push(`charge ${c.id} still authorized after the order was ${view.status}`);
        }
      }
    }
  }

  // The read model holds what the workflow holds (written before each step answers).
  const row = await eventually(
    () => r.h.database.models.Order.findOne({ _id: r.orderId }, { version: 1, status: 1 }).lean(),
    (stored) => stored !== null && stored.version >= view.version,
    5_000,
  );
  if (row === null || row.version < view.version)
    problems.push(`read model at version ${row?.version ?? 'none'}, the workflow at ${view.version}`);
  else if (row.version === view.version && row.status !== view.status)
    problems.push(`read model says ${row.status}, the workflow ${view.status}`);

  // Coupons: taken at 「注文確定」, kept by a placed order, given back otherwise; once per member.
  if (view.memberId !== null) {
    const uses = await r.h.database.models.CouponUse.find({ memberId: view.memberId }).lean();
    const codes = new Set(uses.map((u) => u.code));
    if (codes.size !== uses.length)
      problems.push(`a coupon used twice by one member: ${uses.map((u) => u.code).join(', ')}`);
    const holds =
      ['Confirmed', 'Authorizing', 'Placed', ...AFTER_CAPTURE].includes(view.status) && view.couponCode !== null;
    const mine = uses.filter((u) => u.orderId === r.orderId);
    if (holds && mine.length !== 1) problems.push(`coupon ${view.couponCode} not held by the ${view.status} order`);
    if (!holds && mine.length > 0) problems.push(`coupon ${mine[0]?.code} still held by the ${view.status} order`);
  }

  // Idempotency: one body per key; a key Amazon answered is never sent again.
  problems.push(
    ...idempotencyViolations(
      r.faults.journal.filter((entry) => entry.idempotencyKey?.startsWith(`${r.orderId}_`) === true),
    ),
  );

  // The workflow lives while money can still move.
  const running = (await r.handle.describe()).status.name === 'RUNNING';
  if (!running && ['Placed', 'Captured', 'PartiallyRefunded', 'Authorizing', 'Confirmed'].includes(view.status))
    problems.push(`the workflow ended in ${view.status}`);
  if (
    view.status === 'Refunded' &&
    !running &&
    p !== null &&
    p.refunds.some((refund) => refund.state === 'Declined') &&
    p.refundedAmount < p.capturedAmount
  ) {
    problems.push('the workflow ended with a declined refund');
  }

  if (problems.length > 0)
    throw new Error(`invariants broken for ${r.orderId} in ${view.status}:\n- ${problems.join('\n- ')}`);
}

// ---- commands ----------------------------------------------------------------------------------

abstract class Step implements fc.AsyncCommand<Model, Real> {
  abstract check(m: Readonly<Model>): boolean;
  abstract act(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
  async run(m: Model, r: Real): Promise<void> {
    r.coverage.actions.push(this.toString().split('(')[0] ?? '');
    const started = Date.now();
    if (TRACE) console.log(`${r.orderId} ${this.toString()} …`);
    await this.act(m, r);
    r.faults.clearPlans();
    await sync(m, r);
    const acted = Date.now();
    await checkInvariants(r);
    if (TRACE)
      console.log(
        `${r.orderId} ${this.toString()} → ${m.status} (${acted - started} ms, invariants ${Date.now() - acted} ms)`,
      );
  }
}

type BuyerChoice =
  'card' | 'giftCard' | 'giftAndCard' | 'unusableAddress' | 'pendingThenAuthorized' | 'pendingThenDeclined';

const BUYER_CHOICES: Record<BuyerChoice, AmazonChoice> = {
  card: { instrument: 'card' },
  giftCard: { instrument: 'gift_card' },
  giftAndCard: { instrument: 'gift_card_and_card' },
  unusableAddress: { buyer: 'hanako' },
  pendingThenAuthorized: { buyer: 'jiro', cardIndex: 1 },
  pendingThenDeclined: { buyer: 'jiro', cardIndex: 2 },
};

/** The buyer (back) at Amazon: picks an address and payment, returns to the shop. */
class ReturnFromAmazon extends Step {
  constructor(readonly choice: BuyerChoice) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && CHECKOUT.includes(m.status);
  async act(_m: Model, r: Real) {
    const choice = BUYER_CHOICES[this.choice];
    if (r.sessionId === null) r.sessionId = await buyerAtAmazon(r.h, r.handle, choice);
    else await chooseAgain(r.h, r.sessionId, { instrument: 'card', ...choice });
    const result = await attempt(() =>
      r.handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: r.sessionId as string }] }),
    );
    if (!result.ok) {
      buyerMessageOk(result.refusal);
      if (this.choice !== 'unusableAddress') throw new Error(`Amazon return refused: ${result.refusal.message}`);
      if (result.refusal.message !== ADDRESS_UNUSABLE_MESSAGE)
        throw new Error(`C7: expected the manual's message, got ${result.refusal.message}`);
      r.coverage.refusals += 1;
    } else if (this.choice === 'unusableAddress') {
      throw new Error('C7: an unusable address was accepted');
    }
  }
  toString = () => `ReturnFromAmazon(${this.choice})`;
}

class SubmitProcedure extends Step {
  constructor(
    readonly pointsToUse: number,
    readonly coupon: boolean,
    readonly register: boolean,
    readonly wrapping: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && ['AddressSelected', 'ProcedureEntered'].includes(m.status);
  async act(_m: Model, r: Real) {
    const view = await queryOrder(r.handle);
    const member = r.memberId !== null;
    const orderer = ordererOf(view);
    const form = procedureForm(orderer, {
      gift: { wrapping: this.wrapping, noshi: null },
      ...(member && this.pointsToUse > 0 ? { pointsToUse: this.pointsToUse } : {}),
      ...(member && this.coupon ? { couponCode: 'WELCOME500' } : {}),
      ...(!member && this.register
        ? {
            registerAsMember: true,
            orderer: {
              ...orderer,
              email: `model.${r.orderId.toLowerCase()}@example.jp`,
            },
          }
        : {}),
    });
    const result = await attempt(() => r.handle.executeUpdate(submitProcedure, { args: [form] }));
    if (!result.ok) {
      buyerMessageOk(result.refusal);
      // Points beyond the balance or the order, a coupon already used or below its minimum: the buyer corrects the form.
      if (!['Order.PointsRefused', 'Order.CouponRefused'].includes(result.refusal.type ?? ''))
        throw new Error(`procedure refused: ${result.refusal.type} ${result.refusal.message}`);
      r.coverage.refusals += 1;
      const corrected = await attempt(() =>
        r.handle.executeUpdate(submitProcedure, {
          args: [procedureForm(orderer)],
        }),
      );
      if (!corrected.ok) throw new Error(`a corrected procedure was refused: ${corrected.refusal.message}`);
    }
  }
  toString = () =>
    `SubmitProcedure(points ${this.pointsToUse}, coupon ${this.coupon}, register ${this.register}, wrapping ${this.wrapping})`;
}

/** 「注文確定」, perhaps while Amazon is unreachable; pressed again when it was. */
class Confirm extends Step {
  constructor(
    readonly fault: FaultName,
    readonly twice: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && ['ProcedureEntered', 'Confirmed'].includes(m.status);
  async act(_m: Model, r: Real) {
    if (this.fault === 'outage') r.h.emu.emulator.setFaults({ serverErrorRate: 1, calls: ['updateCheckoutSession'] });
    else if (this.fault === 'blip' || this.fault === 'lost')
      planFaults(r, 'updateCheckoutSession', this.fault === 'lost' ? 'lost' : 'blip');
    if (this.fault === 'outage') r.coverage.faults.push('updateCheckoutSession:outage');
    const sends = this.twice ? [confirm(r), confirm(r)] : [confirm(r)];
    const results = await Promise.all(sends);
    r.h.emu.emulator.setFaults({ serverErrorRate: 0, calls: [] });
    for (const result of results) {
      if (result.ok) continue;
      buyerMessageOk(result.refusal);
      r.coverage.refusals += 1;
      if (
        this.fault !== 'outage' &&
        result.refusal.type !== 'Order.CouponRefused' &&
        result.refusal.type !== 'Order.PointsRefused'
      ) {
        throw new Error(`「注文確定」 refused: ${result.refusal.type} ${result.refusal.message}`);
      }
    }
    if (results.some((result) => !result.ok && result.refusal.message === AMAZON_UNAVAILABLE_MESSAGE)) {
      // The buyer presses it again once Amazon is back: it must go through.
      const again = await confirm(r);
      if (!again.ok) throw new Error(`「注文確定」 after an outage refused: ${again.refusal.message}`);
    }
    r.confirmedAtAmazon = false;
  }
  toString = () => `Confirm(${this.fault}${this.twice ? ', twice' : ''})`;
}
const confirm = (r: Real) => attempt(() => r.handle.executeUpdate(confirmOrder));

/** The buyer confirms on Amazon's page and comes back: completeCheckoutSession. */
class Complete extends Step {
  constructor(
    readonly fault: FaultName,
    readonly twice: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && m.status === 'Confirmed';
  async act(_m: Model, r: Real) {
    if (!r.confirmedAtAmazon) {
      await confirmAtAmazon(r.h, r.sessionId as string);
      r.confirmedAtAmazon = true;
    }
    planFaults(r, 'completeCheckoutSession', this.fault === 'refuse' || this.fault === 'outage' ? 'blip' : this.fault);
    const sends = this.twice ? [complete(r), complete(r)] : [complete(r)];
    for (const result of await Promise.all(sends)) {
      if (!result.ok) {
        buyerMessageOk(result.refusal);
        r.coverage.refusals += 1;
      }
    }
  }
  toString = () => `Complete(${this.fault}${this.twice ? ', twice' : ''})`;
}
const complete = (r: Real) => attempt(() => r.handle.executeUpdate(completeOrder));

/** The whole checkout without faults: back from Amazon, the procedure, 「注文確定」, Amazon's page, complete. */
class CheckoutThrough extends Step {
  constructor(
    readonly choice: BuyerChoice,
    readonly procedure: SubmitProcedure,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && CHECKOUT.includes(m.status);
  async act(m: Model, r: Real) {
    const steps: Step[] = [
      new ReturnFromAmazon(this.choice),
      this.procedure,
      new Confirm('none', false),
      new Complete('none', false),
    ];
    for (const step of steps) {
      await sync(m, r);
      if (!step.check(m)) return;
      await step.act(m, r);
    }
  }
  toString = () => `CheckoutThrough(${this.choice}, ${this.procedure.toString()})`;
}

/** A pending authorization is decided at Amazon; the order hears of it by notification or poll. */
class AwaitAuthorization extends Step {
  check = (m: Readonly<Model>) => !m.closed && m.status === 'Authorizing';
  async act(_m: Model, r: Real) {
    r.h.emu.emulator.advance(60_000);
    await skipTime(r, '2 minutes');
    await eventually(
      () => queryOrder(r.handle),
      (view) => view.status !== 'Authorizing',
      10_000,
    );
  }
  toString = () => 'AwaitAuthorization';
}

/** Staff change the amount (A2/A3), perhaps while Amazon refuses, declines or is unreachable. */
class ChangeAmount extends Step {
  constructor(
    readonly factor: number,
    readonly fault: FaultName,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && m.status === 'Placed';
  async act(_m: Model, r: Real) {
    const view = await queryOrder(r.handle);
    const amount = Math.max(1, Math.round((view.payment?.amount ?? 1) * this.factor));
    planFaults(r, 'createCharge', this.fault);
    const result = await attempt(() => r.handle.executeUpdate(changeAmount, { args: [{ amount }] }));
    if (result.ok) return;
    r.coverage.refusals += 1;
    const type = result.refusal.type;
    if (type !== 'Order.AmountChangeRefused' && type !== 'Order.AmazonUnavailable' && type !== 'Order.InvalidState')
      throw new Error(`amount change: ${type} ${result.refusal.message}`);
    const reason = (result.refusal.details as { reason?: string } | undefined)?.reason;
    // Refused by Amazon (not by the A2/A3 rules): the same request again, without the fault, goes through.
    if (reason === undefined && this.fault !== 'none' && this.fault !== 'decline') {
      r.faults.clearPlans();
      const again = await attempt(() => r.handle.executeUpdate(changeAmount, { args: [{ amount }] }));
      if (!again.ok && (again.refusal.details as { reason?: string } | undefined)?.reason === undefined) {
        throw new Error(`an amount change refused after ${this.fault} was refused again: ${again.refusal.message}`);
      }
    }
  }
  toString = () => `ChangeAmount(×${this.factor}, ${this.fault})`;
}

/** Staff capture at shipment, all or part, perhaps twice at once, perhaps while Amazon misbehaves. */
class Capture extends Step {
  constructor(
    readonly share: number,
    readonly fault: FaultName,
    readonly twice: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && m.status === 'Placed';
  async act(_m: Model, r: Real) {
    const view = await queryOrder(r.handle);
    const amount = this.share >= 1 ? undefined : Math.max(1, Math.floor((view.payment?.amount ?? 1) * this.share));
    planFaults(r, 'captureCharge', this.fault === 'decline' ? 'refuse' : this.fault);
    const send = () =>
      attempt(() => r.handle.executeUpdate(captureOrder, { args: [amount === undefined ? {} : { amount }] }));
    const results = await Promise.all(this.twice ? [send(), send()] : [send()]);
    const refused = results.filter((result) => !result.ok);
    if (refused.length === results.length) {
      r.coverage.refusals += 1;
      r.faults.clearPlans();
      const pending = view.payment?.charges.some((c) => c.state === 'AuthorizationInitiated') ?? false;
      const again = await send();
      if (!again.ok && !pending && (await queryOrder(r.handle)).status === 'Placed') {
        throw new Error(`capture refused again after ${this.fault}: ${again.refusal.message}`);
      }
    }
  }
  toString = () =>
    `Capture(${this.share >= 1 ? 'full' : `${Math.round(this.share * 100)}%`}, ${this.fault}${this.twice ? ', twice' : ''})`;
}

class Refund extends Step {
  constructor(
    readonly share: number,
    readonly fault: FaultName,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => !m.closed && ['Captured', 'PartiallyRefunded'].includes(m.status);
  async act(_m: Model, r: Real) {
    const view = await queryOrder(r.handle);
    const p = view.payment;
    if (p === null) return;
    const open = p.capturedAmount - p.refundedAmount;
    const amount = Math.max(1, Math.floor(open * this.share));
    planFaults(r, 'createRefund', this.fault === 'decline' ? 'refuse' : this.fault);
    const result = await attempt(() => r.handle.executeUpdate(refundOrder, { args: [{ amount }] }));
    if (result.ok || open < 1) return;
    r.coverage.refusals += 1;
    if (!['Order.RefundRefused', 'Order.AmazonUnavailable'].includes(result.refusal.type ?? ''))
      throw new Error(`refund of ${amount} (open ${open}): ${result.refusal.type} ${result.refusal.message}`);
    if (this.fault === 'none') return;
    r.faults.clearPlans();
    const again = await attempt(() => r.handle.executeUpdate(refundOrder, { args: [{ amount }] }));
    const after = await queryOrder(r.handle);
    const stillOpen = (after.payment?.capturedAmount ?? 0) - (after.payment?.refundedAmount ?? 0);
    if (!again.ok && stillOpen >= amount)
      throw new Error(`refund refused again after ${this.fault}: ${again.refusal.message}`);
  }
  toString = () => `Refund(${Math.round(this.share * 100)}%, ${this.fault})`;
}

/** Amazon declines the newest refund still in progress (a notification tells the order). */
class AmazonDeclinesRefund extends Step {
  check = (m: Readonly<Model>) => !m.closed && AFTER_CAPTURE.includes(m.status);
  async act(_m: Model, r: Real) {
    const view = await queryOrder(r.handle);
    const refund = view.payment?.refunds.filter((x) => x.state === 'RefundInitiated').at(-1);
    if (refund === undefined) return;
    r.coverage.faults.push('refund:declined');
    await r.h.emu.control('POST', `/refunds/${refund.refundId}/state`, {
      state: 'Declined',
      reasonCode: 'AmazonRejected',
    });
    await r.handle.signal(amazonNotification, { objectType: 'REFUND', objectId: refund.refundId });
    await eventually(
      () => queryOrder(r.handle),
      (v) => v.payment?.refunds.find((x) => x.refundId === refund.refundId)?.state === 'Declined',
      10_000,
    );
  }
  toString = () => 'AmazonDeclinesRefund';
}

class Cancel extends Step {
  check = (m: Readonly<Model>) => !m.closed && m.status === 'Placed';
  async act(_m: Model, r: Real) {
    const result = await attempt(() => r.handle.executeUpdate(cancelOrder, { args: [{ reason: 'お客様のご都合' }] }));
    if (!result.ok) {
      r.coverage.refusals += 1;
      const view = await queryOrder(r.handle);
      const pending = view.payment?.charges.some((c) => c.state === 'AuthorizationInitiated') ?? false;
      if ((view.payment?.capturedAmount ?? 0) === 0 && !pending)
        throw new Error(`cancel refused: ${result.refusal.message}`);
    }
  }
  toString = () => 'Cancel';
}

class RestartWorker extends Step {
  check = (m: Readonly<Model>) => !m.closed;
  async act(_m: Model, r: Real) {
    r.coverage.faults.push('worker:restart');
    // A worker stopped in the middle of a workflow task loses it until the task times out (10 s):
    // a real crash, but one that only costs time here. Restart between tasks.
    await settle(r, (await queryOrder(r.handle)).version);
    await r.h.restartWorker();
    await settle(r, (await queryOrder(r.handle)).version);
  }
  toString = () => 'RestartWorker';
}

/** Days pass (both clocks): the 24-hour abandonment, refunds settling, the 30-day authorization expiry. */
class PassTime extends Step {
  constructor(readonly hours: number) {
    super();
  }
  // A day or more passes at checkout only as the 24-hour abandonment (25 h); a month only once placed.
  check = (m: Readonly<Model>) =>
    !m.closed && !FINAL.includes(m.status) && (this.hours <= 25 || PLACED_FAMILY.includes(m.status));
  async act(_m: Model, r: Real) {
    const before = await queryOrder(r.handle);
    r.coverage.faults.push(`time:${this.hours}h`);
    r.h.emu.emulator.advance(this.hours * 3_600_000);
    await skipTime(r, `${this.hours} hours`);
    await settle(r, before.version);
  }
  toString = () => `PassTime(${this.hours} h)`;
}

const fault = fc.constantFrom<FaultName>('none', 'none', 'none', 'blip', 'lost', 'refuse', 'decline');

/**
 * Every command, weighted towards the order's main path (a command that does not fit the order's
 * state is skipped, so within a state the weights of the fitting ones decide).
 */
export function commandSequence(options: CommandOptions): fc.Arbitrary<fc.AsyncCommand<Model, Real>[]> {
  // Long enough to get past the checkout into capture and refunds; shrinking drops what is not needed.
  return fc.array(anyCommand(options), { minLength: 40, maxLength: 60 });
}

export interface CommandOptions {
  /** Amazon outages longer than the activities' retries (slow: real backoff). */
  slowFaults: boolean;
  /** Worker restarts among the commands (needs a worker that replays every task). */
  restarts: boolean;
}

function anyCommand(options: CommandOptions): fc.Arbitrary<fc.AsyncCommand<Model, Real>> {
  const anyFault = options.slowFaults ? fc.oneof(fault, fc.constant<FaultName>('outage')) : fault;
  const weighted = (weight: number, arbitrary: fc.Arbitrary<fc.AsyncCommand<Model, Real>>) => ({ weight, arbitrary });
  const procedure = fc
    .tuple(fc.constantFrom(0, 0, 100, 300, 455, 2_000), fc.boolean(), fc.boolean(), fc.boolean())
    .map(([points, coupon, register, wrapping]) => new SubmitProcedure(points, coupon, register, wrapping));
  return fc.oneof(
    // Most sequences should spend their steps on payments: one step takes the order through the checkout.
    weighted(
      3,
      fc
        .tuple(
          fc.constantFrom<BuyerChoice>(
            'card',
            'card',
            'giftCard',
            'giftAndCard',
            'pendingThenAuthorized',
            'pendingThenDeclined',
          ),
          procedure,
        )
        .map(([choice, submit]) => new CheckoutThrough(choice, submit)),
    ),
    weighted(
      1,
      fc.constantFrom(...(Object.keys(BUYER_CHOICES) as BuyerChoice[])).map((choice) => new ReturnFromAmazon(choice)),
    ),
    weighted(2, fc.constant(new ReturnFromAmazon('card'))),
    weighted(3, procedure),
    weighted(
      3,
      fc
        .tuple(
          options.slowFaults
            ? fc.constantFrom<FaultName>('none', 'none', 'blip', 'lost', 'outage')
            : fc.constantFrom<FaultName>('none', 'none', 'blip', 'lost'),
          fc.boolean(),
        )
        .map(([f, twice]) => new Confirm(f, twice)),
    ),
    weighted(
      3,
      fc
        .tuple(fc.constantFrom<FaultName>('none', 'none', 'none', 'blip', 'lost', 'decline'), fc.boolean())
        .map(([f, twice]) => new Complete(f, twice)),
    ),
    weighted(1, fc.constant(new AwaitAuthorization())),
    weighted(
      3,
      fc.tuple(fc.constantFrom(0.5, 0.8, 1.3, 3, 30), anyFault).map(([factor, f]) => new ChangeAmount(factor, f)),
    ),
    weighted(
      4,
      fc
        .tuple(fc.constantFrom(1, 1, 0.6), anyFault, fc.boolean())
        .map(([share, f, twice]) => new Capture(share, f, twice)),
    ),
    weighted(
      4,
      fc.tuple(fc.constantFrom(1, 0.5, 0.3), anyFault).map(([share, f]) => new Refund(share, f)),
    ),
    weighted(1, fc.constant(new AmazonDeclinesRefund())),
    weighted(1, fc.constant(new Cancel())),
    // Every step of the restarting suite replays anyway: restart often there.
    ...(options.restarts ? [weighted(4, fc.constant(new RestartWorker()))] : []),
    weighted(
      1,
      fc.constantFrom(1, 1, 25, 24 * 31, 24 * 31).map((hours) => new PassTime(hours)),
    ),
  );
}

/**
 * Real seconds a skipped sleep may take before the server's clock counts as stalled (a leaked time
 * lock, below): a month of an order's timers and activities skips in a few seconds even under load.
 */
const STALL_SECONDS = Number(process.env['MODEL_STALL_SECONDS'] ?? 300);
/** Set once a sleep stalled: every later sequence fails at once instead of waiting again. */
let stalled: string | undefined;

/** `env.sleep` on the time-skipping server, failing with the reason instead of hanging for days. */
async function skipTime(r: Real, duration: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      stalled = `env.sleep('${duration}') still running after ${STALL_SECONDS} s of real time: the test server's clock stopped skipping (its time lock leaked — a workflow terminated with a task in flight? See terminateWhenIdle)`;
      reject(new Error(stalled));
    }, STALL_SECONDS * 1000);
  });
  try {
    await Promise.race([r.h.env.sleep(duration), watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ends a sequence's order. Terminating while a workflow task or an activity is in flight makes the
 * time-skipping test server's later sleeps take real time (sdk-java#3088, second report; the
 * server's time lock taken for the task is never given back): wait until the history shows nothing
 * in flight — the order may still be finishing, e.g. the task that follows its last e-mail (a task
 * lost with a stopped worker times out after 10 s).
 */
export async function terminateWhenIdle(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 15_000;
  // A query is answered only once the workflow's first task ran (a sequence may end right after start).
  await queryOrder(handle);
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    // The order may have ended by itself since (after its cancel mail, say): nothing left to stop.
    if (closed(events)) return;
    if (quiet(events) || Date.now() > deadline) {
      try {
        await handle.terminate('model-based sequence finished');
      } catch (error) {
        // Ended between the read and the terminate: the server answers "Completed workflow".
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---- one sequence ------------------------------------------------------------------------------

export interface RunSetup {
  member: boolean;
  points: number;
  items: CartItem[];
}

export const setupArbitrary: fc.Arbitrary<RunSetup> = fc.record({
  member: fc.boolean(),
  points: fc.constantFrom(0, 300, 455, 1_000),
  items: fc.constantFrom([TEA], [KYUSU], [TEA, KYUSU]),
});

let emails = 0;

/** A fresh order (and member) for one sequence. */
export async function startRun(
  h: OrderHarness,
  faults: FaultyAmazonPay,
  setup: RunSetup,
): Promise<{ model: Model; real: Real }> {
  if (stalled !== undefined) throw new Error(`not run: an earlier sequence's ${stalled}`);
  emails += 1;
  const member = setup.member
    ? await memberWithPoints(h, `model.${process.pid}.${emails}.${Date.now()}@example.jp`, setup.points)
    : null;
  const handle = await startOrder(h, { memberId: member?.memberId ?? null, items: setup.items });
  const real: Real = {
    h,
    faults,
    handle,
    orderId: handle.workflowId.replace(/^order:/, ''),
    memberId: member?.memberId ?? null,
    initialPoints: member === null ? 0 : setup.points,
    sessionId: null,
    confirmedAtAmazon: false,
    coverage: { actions: [], faults: [], statuses: new Set(['CheckoutCreated']), refusals: 0 },
  };
  return { model: { status: 'CheckoutCreated', closed: false }, real };
}
