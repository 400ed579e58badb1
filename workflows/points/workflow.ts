/**
 * A member's point account (`points:{memberId}`): the entry wires each Update to a method of
 * `PointAccount`, which holds the balance, the holds and the keys already applied. Updates run one at
 * a time, so a balance never goes negative and points are never spent twice (docs/architecture.md).
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { pointsExceedAvailableMessage } from '../../domain/messages.js';
import {
  activatePendingPoints,
  adjustPoints,
  getPointAccount,
  grantPendingPoints,
  PointsFailureType,
  releasePoints,
  reservePoints,
  revokePendingPoints,
  spendReservedPoints,
  type PointAccountState,
  type PointAccountView,
} from './definitions.js';

/** The point account of one member; see definitions.ts. Runs forever, continuing as new when large. */
export async function pointsAccountWorkflow(initial: { memberId: string; state?: PointAccountState }): Promise<void> {
  const account = new PointAccount(initial.state ?? emptyAccount(initial.memberId));

  setHandler(getPointAccount, () => account.view());
  setHandler(reservePoints, (hold) => account.reserve(hold), { validator: ({ points }) => requireWholePoints(points) });
  setHandler(releasePoints, ({ orderId }) => account.release(orderId));
  setHandler(spendReservedPoints, (spend) => account.spend(spend), {
    validator: ({ points }) => requireWholePoints(points),
  });
  setHandler(grantPendingPoints, (grant) => account.grantPending(grant), {
    validator: ({ points }) => requireWholePoints(points),
  });
  setHandler(activatePendingPoints, ({ orderId }) => account.activatePending(orderId));
  setHandler(revokePendingPoints, ({ orderId }) => account.revokePending(orderId));
  setHandler(adjustPoints, (change) => account.adjust(change), { validator: requireAdjustment });

  // An entity lives forever; its history is cut by continuing as new once the server suggests it.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  const state = account.snapshot();
  await continueAsNew<typeof pointsAccountWorkflow>({ memberId: state.memberId, state });
}

class PointAccount {
  /** Operation keys already applied (idempotency across retries and continue-as-new). */
  private readonly applied: Set<string>;

  constructor(private readonly state: PointAccountState) {
    this.applied = new Set(state.applied);
  }

  view(): PointAccountView {
    const reserved = sum(this.state.reservations);
    return {
      memberId: this.state.memberId,
      balance: this.state.balance,
      reserved,
      available: this.state.balance - reserved,
      pending: sum(this.state.pending),
    };
  }

  /** What continue-as-new carries over. */
  snapshot(): PointAccountState {
    return { ...this.state, applied: [...this.applied] };
  }

  /** C5: holds points for an order's 「注文確定」, refused beyond the available balance. */
  reserve({ orderId, points }: { orderId: string; points: number }): PointAccountView {
    // Keyed by state, not by an applied key: a reservation released after a failed 「注文確定」
    // must be taken again by the next one (a no-op here would give the discount for free).
    if (this.applied.has(`spend:${orderId}`)) return this.view();
    const held = this.state.reservations[orderId] ?? 0;
    const available = this.view().available;
    if (points - held > available) {
      throw ApplicationFailure.create({
        type: PointsFailureType.InsufficientBalance,
        message: pointsExceedAvailableMessage(available),
        nonRetryable: true,
        details: [{ available, requested: points }],
      });
    }
    if (points > 0) this.state.reservations[orderId] = points;
    else delete this.state.reservations[orderId];
    return this.view();
  }

  release(orderId: string): PointAccountView {
    // Not keyed: releasing twice is harmless, and a later re-reservation must be releasable again.
    delete this.state.reservations[orderId];
    return this.view();
  }

  /** Debits exactly the discount the order was placed with: the discount and the debit are one number. */
  spend({ orderId, points }: { orderId: string; points: number }): PointAccountView {
    return this.once(`spend:${orderId}`, () => {
      delete this.state.reservations[orderId];
      this.state.balance -= points;
    });
  }

  /** P1/P2: sets (not adds) the order's pending points: they follow the amount until capture decides them. */
  grantPending({ orderId, points }: { orderId: string; points: number }): PointAccountView {
    if (this.applied.has(`activate:${orderId}`) || this.applied.has(`revoke-pending:${orderId}`)) return this.view();
    if (points > 0) this.state.pending[orderId] = points;
    else delete this.state.pending[orderId];
    return this.view();
  }

  activatePending(orderId: string): PointAccountView {
    return this.once(`activate:${orderId}`, () => {
      this.state.balance += this.state.pending[orderId] ?? 0;
      delete this.state.pending[orderId];
    });
  }

  revokePending(orderId: string): PointAccountView {
    return this.once(`revoke-pending:${orderId}`, () => {
      delete this.state.pending[orderId];
    });
  }

  /** A signed change under a unique key; a revocation beyond the balance stops at 0 and reports the shortfall. */
  adjust({ key, points }: { key: string; points: number }): PointAccountView & { shortfall: number } {
    let shortfall = 0;
    const result = this.once(`adjust:${key}`, () => {
      const next = this.state.balance + points;
      shortfall = next < 0 ? -next : 0;
      this.state.balance = Math.max(0, next);
    });
    return { ...result, shortfall };
  }

  /** Runs `change` once per key; a repeated key answers the current view without changing anything. */
  private once(key: string, change: () => void): PointAccountView {
    if (!this.applied.has(key)) {
      change();
      this.applied.add(key);
    }
    return this.view();
  }
}

function emptyAccount(memberId: string): PointAccountState {
  return { memberId, balance: 0, reservations: {}, pending: {}, applied: [] };
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((total, points) => total + points, 0);
}

function requireWholePoints(points: number): void {
  if (!Number.isSafeInteger(points) || points < 0) {
    throw ApplicationFailure.create({
      type: PointsFailureType.InvalidAmount,
      message: `points must be a whole number ≥ 0: ${points}`,
      nonRetryable: true,
    });
  }
}

function requireAdjustment({ points, key }: { key: string; points: number }): void {
  if (!Number.isSafeInteger(points))
    throw ApplicationFailure.create({
      type: PointsFailureType.InvalidAmount,
      message: 'points must be whole',
      nonRetryable: true,
    });
  if (key.length === 0 || key.length > 200)
    throw ApplicationFailure.create({
      type: PointsFailureType.InvalidKey,
      message: 'a key is required',
      nonRetryable: true,
    });
}
