/**
 * The order's state: its view (what the API, the storefront and the read model see), the one status
 * check every step starts with, the lock that runs steps one at a time, and `commit`, the one place a
 * change is recorded (version, search attributes, current details, read model).
 */
import { condition, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { ORDER_STATE_MESSAGE, ORDER_WAITING_FOR } from '../../domain/messages.js';
import type { OrderProcedure } from '../../domain/order-procedure.js';
import { computeTotals } from '../../domain/totals.js';
import {
  AmazonChargePermissionId,
  IsGuest,
  MemberId,
  OrderStatus as OrderStatusAttribute,
  OrderTotal,
  PaymentMethod,
} from '../search-attributes.js';
import { readModel } from './activities.js';
import { refuse } from './failures.js';
import { OrderMails } from './mails.js';
import {
  OrderFailureType,
  type OrderInput,
  type OrderSettings,
  type OrderStatus,
  type OrderView,
  type PaymentView,
} from './definitions.js';

const WAITING_FOR: Record<OrderStatus, string> = ORDER_WAITING_FOR;

export class Order {
  readonly view: OrderView;
  /** The order e-mails, sent in the background. */
  readonly mails: OrderMails;
  private readonly lock = new Lock();

  constructor(readonly input: OrderInput) {
    this.view = initialView(input, new Date());
    this.mails = new OrderMails(this.view);
  }

  get orderId(): string {
    return this.input.orderId;
  }
  /** The logged-in member who started the checkout, or null for a guest. */
  get memberId(): string | null {
    return this.input.memberId;
  }
  get settings(): OrderSettings {
    return this.input.settings;
  }
  get status(): OrderStatus {
    return this.view.status;
  }

  /** The one status check: a step asked of an order in another status is refused the same way. */
  requireStatus(...allowed: OrderStatus[]): void {
    if (!allowed.includes(this.view.status))
      refuse(OrderFailureType.InvalidState, ORDER_STATE_MESSAGE, { status: this.view.status });
  }

  /** Runs a step under the order's lock: a second request waits for the first, then sees its result. */
  exclusively<T>(step: () => Promise<T>): Promise<T> {
    return this.lock.run(step);
  }

  /** Records a change: new version, search attributes, current details, and the read model. */
  async commit(status: OrderStatus = this.view.status): Promise<void> {
    this.view.status = status;
    this.view.version += 1;
    this.view.updatedAt = new Date().toISOString();
    this.view.waitingFor = WAITING_FOR[status];
    await this.publish();
  }

  /** The order as it is now, to search attributes, the workflow's current details and the read model. */
  async publish(): Promise<void> {
    const view = this.view;
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
    await readModel.saveOrderView(view);
  }

  // Fields set by an earlier step: a later step reads them only after its status check.

  /** Set at step 2 (Amazon return). */
  checkoutSessionId(): string {
    return present(this.view.checkoutSessionId, 'checkoutSessionId');
  }
  /** Set at step 3 (the order-procedure form). */
  procedure(): OrderProcedure {
    return present(this.view.procedure, 'procedure');
  }
  /** Set at completion (step 5). */
  chargeId(): string {
    return present(this.view.chargeId, 'chargeId');
  }
  /** Set at completion (step 5). */
  chargePermissionId(): string {
    return present(this.view.chargePermissionId, 'chargePermissionId');
  }
  /** Set at placement. */
  payment(): PaymentView {
    return present(this.view.payment, 'payment');
  }
}

/** A field a status guarantees: missing, it is a bug in this workflow (the task fails and is retried). */
function present<T>(value: T | null, field: string): T {
  if (value === null) throw new Error(`order view: ${field} is not set yet`);
  return value;
}

function initialView(input: OrderInput, now: Date): OrderView {
  return {
    orderId: input.orderId,
    status: 'CheckoutCreated',
    version: 1,
    memberId: input.memberId,
    isGuest: input.memberId === null,
    items: input.items,
    totals: computeTotals({ items: input.items, giftWrapping: false, noshi: false, fees: input.settings.fees }),
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
    createdAt: now.toISOString(),
    placedAt: null,
    updatedAt: now.toISOString(),
    waitingFor: WAITING_FOR.CheckoutCreated,
  };
}

/** One step at a time (Updates, the checkout and payment loops). */
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
