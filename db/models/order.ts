import { Schema, type Connection } from 'mongoose';
import { tokyoDate, tokyoHour } from '../../domain/calendar.js';

/**
 * The orders read model: the workflow's order view, written at every step (newest version wins), for
 * listings, search, reconciliation and for reading an order after its workflow has closed. The
 * workflow stays the source of truth while the order is live.
 */
export interface OrderDoc {
  /** The order id again: FerretDB finds documents by _id fastest (its primary key), and the read model is written after every change. */
  _id: string;
  orderId: string;
  version: number;
  status: string;
  /** The member the order belongs to: who ordered, or who the guest became at purchase (C4); null for a guest. */
  memberId: string | null;
  isGuest: boolean;
  chargePermissionId: string | null;
  /** How it was paid (`view.paymentMethod.kind`), for the console's search; null until known. */
  paymentMethod?: string | null;
  total: number;
  createdAt: Date;
  updatedAt: Date;
  /** `updatedAt`'s UTC day, `YYYY-MM-DD`: the reconciliation reads the orders of its window by equality on it. */
  updatedDay: string;
  /** The console's list keys ({@link orderListKeys}); absent on rows written before them until `npm run db:migrate`. */
  createdDay?: string;
  createdDayStatus?: string;
  createdDayPayment?: string;
  createdHour?: string;
  createdHourStatus?: string;
  createdHourPayment?: string;
  view: Record<string, unknown>;
}

/** `updatedDay` of a time. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** The `paymentMethod` of an order not paid yet (or whose payment Amazon never told), in list keys. */
const NO_PAYMENT_METHOD = '-';

type OrderListKeys = Required<
  Pick<
    OrderDoc,
    'createdDay' | 'createdDayStatus' | 'createdDayPayment' | 'createdHour' | 'createdHourStatus' | 'createdHourPayment'
  >
>;

/**
 * The console's list (db/order-list.ts) reads orders an hour or a day at a time by equality on one of
 * these, the only kind of condition FerretDB narrows through an index (scripts/ferretdb/README.md):
 * the ordering hour or day in Japan time, alone, with the status, or with the payment method
 * (`YYYY-MM-DD|Placed`, `YYYY-MM-DDTHH|card`).
 */
export function orderListKeys(
  row: Pick<OrderDoc, 'createdAt' | 'status'> & { paymentMethod?: string | null | undefined },
): OrderListKeys {
  const day = tokyoDate(row.createdAt);
  const hour = tokyoHour(row.createdAt);
  const payment = row.paymentMethod ?? NO_PAYMENT_METHOD;
  return {
    createdDay: day,
    createdDayStatus: `${day}|${row.status}`,
    createdDayPayment: `${day}|${payment}`,
    createdHour: hour,
    createdHourStatus: `${hour}|${row.status}`,
    createdHourPayment: `${hour}|${payment}`,
  };
}

const orderSchema = new Schema<OrderDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true, unique: true },
    version: { type: Number, required: true },
    status: { type: String, required: true, index: true },
    memberId: { type: String, default: null, index: true },
    isGuest: { type: Boolean, required: true },
    chargePermissionId: { type: String, default: null, index: true },
    paymentMethod: { type: String, default: null, index: true },
    total: { type: Number, required: true },
    // The console's list sorts by it and filters date ranges on it.
    createdAt: { type: Date, required: true, index: true },
    updatedAt: { type: Date, required: true },
    updatedDay: { type: String, required: true, index: true },
    createdDay: { type: String, index: true },
    createdDayStatus: { type: String, index: true },
    createdDayPayment: { type: String, index: true },
    createdHour: { type: String, index: true },
    createdHourStatus: { type: String, index: true },
    createdHourPayment: { type: String, index: true },
    view: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'orders', versionKey: false, minimize: false },
);

export function orderModel(connection: Connection) {
  return connection.model<OrderDoc>('Order', orderSchema);
}

/** Maps a storefront's Idempotency-Key to the order it created, so a repeated create finds it. */
export interface CheckoutRequestDoc {
  key: string;
  orderId: string;
  createdAt: Date;
}

const checkoutRequestSchema = new Schema<CheckoutRequestDoc>(
  {
    key: { type: String, required: true, unique: true },
    orderId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'checkout_requests', versionKey: false },
);

export function checkoutRequestModel(connection: Connection) {
  return connection.model<CheckoutRequestDoc>('CheckoutRequest', checkoutRequestSchema);
}
