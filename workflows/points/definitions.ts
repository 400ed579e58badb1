/**
 * A member's point account as an entity workflow (`points:{memberId}`). FerretDB has no atomic
 * findAndModify, so the database cannot guard a balance against concurrent orders; the workflow
 * can: its updates run one at a time, so a balance never goes negative and points are never spent
 * twice (docs/architecture.md). Every operation is keyed by order (or by an explicit key) and idempotent.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export interface PointAccountView {
  memberId: string;
  /** Usable points. */
  balance: number;
  /** Held for orders being confirmed; not usable elsewhere. */
  reserved: number;
  /** balance − reserved. */
  available: number;
  /** Purchase points granted at placement, usable after capture (P1/P2). */
  pending: number;
}

export interface PointAccountState {
  memberId: string;
  balance: number;
  reservations: Record<string, number>;
  pending: Record<string, number>;
  /** Operation keys already applied (idempotency across retries and continue-as-new). */
  applied: string[];
}

/** Failure types of the account's refusals (never retried). */
export const PointsFailureType = {
  /** C5: a hold larger than the available balance. */
  InsufficientBalance: 'Points.InsufficientBalance',
  InvalidAmount: 'Points.InvalidAmount',
  InvalidKey: 'Points.InvalidKey',
} as const;

export const pointsAccountWorkflowId = (memberId: string) => `points:${memberId}`;

export const getPointAccount = defineQuery<PointAccountView>('getPointAccount');

/**
 * C5: holds `points` for an order at 「注文確定」 (again after a release: each 「注文確定」 holds anew);
 * refused when the available balance is short. A no-op once the order's points are spent.
 */
export const reservePoints = defineUpdate<PointAccountView, [{ orderId: string; points: number }]>('reservePoints');
/** Gives a reservation back (declined, abandoned, cancelled before placement). */
export const releasePoints = defineUpdate<PointAccountView, [{ orderId: string }]>('releasePoints');
/** The order was placed with a discount of `points`: exactly those are debited, once; the hold goes. */
export const spendReservedPoints = defineUpdate<PointAccountView, [{ orderId: string; points: number }]>(
  'spendReservedPoints',
);
/**
 * P1/P2: an order's purchase points, pending until capture. Sets the order's pending amount (it
 * follows amount changes); ignored once the order's points were activated or revoked.
 */
export const grantPendingPoints = defineUpdate<PointAccountView, [{ orderId: string; points: number }]>(
  'grantPendingPoints',
);
/** Capture: an order's pending purchase points become usable. */
export const activatePendingPoints = defineUpdate<PointAccountView, [{ orderId: string }]>('activatePendingPoints');
/** Cancel before capture: an order's pending purchase points are dropped. */
export const revokePendingPoints = defineUpdate<PointAccountView, [{ orderId: string }]>('revokePendingPoints');
/**
 * A signed change of the usable balance under a unique key: ops grants, returned used points,
 * revoked purchase points after a refund. A revocation larger than the balance stops at 0 and
 * reports the shortfall (points already spent cannot be taken back).
 */
export const adjustPoints = defineUpdate<
  PointAccountView & { shortfall: number },
  [{ key: string; points: number; reason: string }]
>('adjustPoints');
