/**
 * Every activity the order workflow calls, one proxy per retry policy, grouped by who waits for the
 * answer: the checkout steps (checkout.ts) and the payment operations (payment.ts) both take theirs
 * from here. A proxy's options are part of what a recorded history scheduled: change them behind
 * `patched()` (docs/architecture.md).
 */
import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { PointsFailureType } from '../points/definitions.js';

// ---- Where Amazon Pay calls run --------------------------------------------------------------

/** This order's Amazon task queue (module state is per workflow run); unset: the order's own queue. */
let amazonTaskQueue: string | undefined;

/** Called first thing by the order workflow with `input.amazonTaskQueue`. */
export function sendAmazonCallsTo(taskQueue: string | undefined): void {
  amazonTaskQueue = taskQueue;
}

/** The proxy options of an Amazon call: read at each call, so the order's queue applies. */
function onAmazonQueue(options: ActivityOptions): ActivityOptions {
  return {
    ...options,
    get taskQueue() {
      return amazonTaskQueue;
    },
  };
}

// ---- The buyer is waiting (an open page) ----------------------------------------------------

/** Amazon answers in well under a second: a few quick retries, then an honest "try again later". */
export const amazonForBuyer = proxyActivities<
  Pick<Activities, 'readCheckoutSession' | 'setCheckoutAmount' | 'completeCheckout' | 'readCharge'>
>(
  onAmazonQueue({
    // A call lost with a crashed worker is retried after this.
    startToCloseTimeout: '10 seconds',
    retry: {
      initialInterval: '500 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '5 seconds',
      maximumAttempts: 6,
    },
  }),
);

/** The shop's database (member, coupons): a short outage is waited out, a long one refuses the step. */
export const shopForBuyer = proxyActivities<
  Pick<Activities, 'getMemberSnapshot' | 'findCoupon' | 'reserveCoupon' | 'releaseCoupon'>
>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 20,
  },
});

/** The member's point account (a workflow, C5): a short balance is an answer, never retried. */
export const pointsForBuyer = proxyActivities<Pick<Activities, 'pointsBalance' | 'reservePoints' | 'releasePoints'>>({
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 20,
    nonRetryableErrorTypes: [PointsFailureType.InsufficientBalance],
  },
});

// ---- Ops are waiting (an operation on a placed order) -----------------------------------------

/** A capture or refund must not be lost: transient failures are retried for a while. */
export const amazonForOps = proxyActivities<
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
>(
  onAmazonQueue({
    startToCloseTimeout: '10 seconds',
    retry: {
      initialInterval: '500 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '10 seconds',
      maximumAttempts: 8,
    },
  }),
);

// ---- Following what Amazon already did: never given up ---------------------------------------

/**
 * After an authorization, capture or cancel at Amazon: points, registration at purchase. Retried
 * without limit: a database or Temporal outage delays them, it never leaves a charge without its order.
 */
export const followUp = proxyActivities<
  Pick<
    Activities,
    | 'spendReservedPoints'
    | 'grantPendingPoints'
    | 'registerMemberAtPurchase'
    | 'activatePendingPoints'
    | 'revokePendingPoints'
    | 'adjustPoints'
  >
>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** The coupon of an order canceled at Amazon goes back, however long the database is away. */
export const couponFollowUp = proxyActivities<Pick<Activities, 'releaseCoupon'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * The read-model write after every change: a local activity (runs with the workflow task, no extra
 * round trips through the server). Measured with `npm run bench`: see the README's before/after.
 * Retried without limit: it follows changes already made (at Amazon, in the workflow), so giving up
 * would leave the read model behind for good, or fail the order over a database outage.
 */
export const readModel = proxyLocalActivities<Pick<Activities, 'saveOrderView'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

// ---- Nobody is waiting (timers, notifications, polls) -----------------------------------------

/**
 * The pending-authorization poll, timers, notifications, re-sending an unanswered request: patient
 * retries without limit, so an Amazon outage delays the work and never fails the order's workflow.
 */
export const amazonInBackground = proxyActivities<
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
>(
  onAmazonQueue({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  }),
);

/**
 * The order e-mails (workflows/order/mails.ts): the workflow never waits for one. An SMTP outage is
 * retried patiently; after 3 days the mail is given up (and logged): a confirmation that late would
 * confuse more than help, and the finished order's workflow waits for its mails before it closes.
 */
export const mailInBackground = proxyActivities<Pick<Activities, 'sendOrderMail'>>({
  // One SMTP attempt is bounded well inside this (mail/mailer.ts), so attempts never overlap.
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
