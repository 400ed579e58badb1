/** The public surface of the pure business rules (no I/O; safe to import from workflows). */
export * from './address.js';
export * from './amount-limits.js';
export * from './calendar.js';
export * from './cart.js';
export * from './coupon.js';
export * from './errors.js';
export * from './ids.js';
export * from './messages.js';
export * from './money.js';
export * from './order-procedure.js';
export * from './payment-method.js';
export * from './points.js';
export * from './prefectures.js';
export * from './totals.js';
