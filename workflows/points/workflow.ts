import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  activatePendingPoints,
  adjustPoints,
  getPointAccount,
  grantPendingPoints,
  releasePoints,
  reservePoints,
  revokePendingPoints,
  spendReservedPoints,
  type PointAccountState,
  type PointAccountView,
} from './definitions.js';

export const POINTS_INSUFFICIENT = 'Points.InsufficientBalance';

function requireWholePoints(points: number): void {
  if (!Number.isSafeInteger(points) || points < 0) {
    throw ApplicationFailure.create({
      type: 'Points.InvalidAmount',
      message: `points must be a whole number ≥ 0: ${points}`,
      nonRetryable: true,
    });
  }
}

/** The point account of one member; see definitions.ts. Runs forever, continuing as new when large. */
export async function pointsAccountWorkflow(initial: { memberId: string; state?: PointAccountState }): Promise<void> {
  const state: PointAccountState = initial.state ?? {
    memberId: initial.memberId,
    balance: 0,
    reservations: {},
    pending: {},
    applied: [],
  };
  const applied = new Set(state.applied);
  const sum = (record: Record<string, number>) => Object.values(record).reduce((total, points) => total + points, 0);

  const view = (): PointAccountView => {
    const reserved = sum(state.reservations);
    return {
      memberId: state.memberId,
      balance: state.balance,
      reserved,
      available: state.balance - reserved,
      pending: sum(state.pending),
    };
  };
  /** Runs `change` once per key; a repeated key answers the current view without changing anything. */
  const once = (key: string, change: () => void): PointAccountView => {
    if (!applied.has(key)) {
      change();
      applied.add(key);
    }
    return view();
  };

  setHandler(getPointAccount, view);

  setHandler(
    reservePoints,
    ({ orderId, points }) => {
      // Keyed by state, not by an applied key: a reservation released after a failed 「注文確定」
      // must be taken again by the next one (a no-op here would give the discount for free).
      if (applied.has(`spend:${orderId}`)) return view();
      const held = state.reservations[orderId] ?? 0;
      if (points - held > view().available) {
        throw ApplicationFailure.create({
          type: POINTS_INSUFFICIENT,
          message: `ご利用可能なポイント（${view().available}ポイント）を超えています。`,
          nonRetryable: true,
          details: [{ available: view().available, requested: points }],
        });
      }
      if (points > 0) state.reservations[orderId] = points;
      else delete state.reservations[orderId];
      return view();
    },
    { validator: ({ points }) => requireWholePoints(points) },
  );
  setHandler(releasePoints, ({ orderId }) => {
    // Not keyed: releasing twice is harmless, and a later re-reservation must be releasable again.
    delete state.reservations[orderId];
    return view();
  });
  setHandler(
    spendReservedPoints,
    ({ orderId, points }) =>
      // Debits exactly the discount the order was placed with: the discount and the debit are one number.
      once(`spend:${orderId}`, () => {
        delete state.reservations[orderId];
        state.balance -= points;
      }),
    { validator: ({ points }) => requireWholePoints(points) },
  );
  setHandler(
    grantPendingPoints,
    ({ orderId, points }) => {
      // Sets (not adds) the order's pending points: they follow the amount until capture decides them.
      if (applied.has(`activate:${orderId}`) || applied.has(`revoke-pending:${orderId}`)) return view();
      if (points > 0) state.pending[orderId] = points;
      else delete state.pending[orderId];
      return view();
    },
    { validator: ({ points }) => requireWholePoints(points) },
  );
  setHandler(activatePendingPoints, ({ orderId }) =>
    once(`activate:${orderId}`, () => {
      state.balance += state.pending[orderId] ?? 0;
      delete state.pending[orderId];
    }),
  );
  setHandler(revokePendingPoints, ({ orderId }) =>
    once(`revoke-pending:${orderId}`, () => {
      delete state.pending[orderId];
    }),
  );
  setHandler(
    adjustPoints,
    ({ key, points }) => {
      let shortfall = 0;
      const result = once(`adjust:${key}`, () => {
        const next = state.balance + points;
        shortfall = next < 0 ? -next : 0;
        state.balance = Math.max(0, next);
      });
      return { ...result, shortfall };
    },
    {
      validator: ({ points, key }) => {
        if (!Number.isSafeInteger(points))
          throw ApplicationFailure.create({
            type: 'Points.InvalidAmount',
            message: 'points must be whole',
            nonRetryable: true,
          });
        if (key.length === 0 || key.length > 200)
          throw ApplicationFailure.create({
            type: 'Points.InvalidKey',
            message: 'a key is required',
            nonRetryable: true,
          });
      },
    },
  );

  // An entity lives forever; its history is cut by continuing as new once the server suggests it.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof pointsAccountWorkflow>({
    memberId: state.memberId,
    state: { ...state, applied: [...applied] },
  });
}
