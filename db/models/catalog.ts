import { Schema, type Connection } from 'mongoose';
import type { SalesType } from '../../domain/cart.js';

/** A product: tax-included yen price and its sales type (R2 refuses pre-order and subscription items). */
export interface ProductDoc {
  productId: string;
  name: string;
  description: string;
  price: number;
  salesType: SalesType;
  active: boolean;
}

const productSchema = new Schema<ProductDoc>(
  {
    productId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    price: { type: Number, required: true, min: 0 },
    salesType: { type: String, required: true, enum: ['normal', 'pre_order', 'subscription'] },
    active: { type: Boolean, default: true },
  },
  { collection: 'products', versionKey: false },
);

export function productModel(connection: Connection) {
  return connection.model<ProductDoc>('Product', productSchema);
}

/** A coupon (C5): fixed yen or percent, minimum purchase, validity window, members only. */
export interface CouponDoc {
  code: string;
  name: string;
  type: 'fixed' | 'percent';
  value: number;
  minimumPurchase: number;
  validFrom: Date;
  validUntil: Date;
  membersOnly: boolean;
}

const couponSchema = new Schema<CouponDoc>(
  {
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    type: { type: String, required: true, enum: ['fixed', 'percent'] },
    value: { type: Number, required: true },
    minimumPurchase: { type: Number, required: true, default: 0 },
    validFrom: { type: Date, required: true },
    validUntil: { type: Date, required: true },
    membersOnly: { type: Boolean, required: true, default: true },
  },
  { collection: 'coupons', versionKey: false },
);

export function couponModel(connection: Connection) {
  return connection.model<CouponDoc>('Coupon', couponSchema);
}

/**
 * One use of a coupon by a member: the unique (code, memberId) index makes "each coupon once per
 * member" hold even for concurrent orders; `orderId` makes recording it from a retried activity safe.
 */
export interface CouponUseDoc {
  code: string;
  memberId: string;
  orderId: string;
  usedAt: Date;
}

const couponUseSchema = new Schema<CouponUseDoc>(
  {
    code: { type: String, required: true },
    memberId: { type: String, required: true },
    orderId: { type: String, required: true },
    usedAt: { type: Date, required: true },
  },
  { collection: 'coupon_uses', versionKey: false },
);
// memberId first: a lookup by (code, memberId) then reads one member's uses, not every use of a popular coupon
// (FerretDB narrows a query by the first field of an index it holds; scripts/ferretdb/README.md).
couponUseSchema.index({ memberId: 1, code: 1 }, { unique: true });

export function couponUseModel(connection: Connection) {
  return connection.model<CouponUseDoc>('CouponUse', couponUseSchema);
}
