import type { Connection } from 'mongoose';
import { auditModel } from './audit.js';
import { couponModel, couponUseModel, productModel } from './catalog.js';
import { sentMailModel } from './mail.js';
import { amazonLinkModel, memberModel, passwordResetTokenModel } from './member.js';
import { checkoutRequestModel, orderModel } from './order.js';
import { reconciliationReportModel } from './reconciliation.js';
import { staffModel } from './staff.js';
import { systemCheckModel } from './system-check.js';

/** Every model bound to one connection. */
export function createModels(connection: Connection) {
  return {
    SystemCheck: systemCheckModel(connection),
    Member: memberModel(connection),
    AmazonLink: amazonLinkModel(connection),
    PasswordResetToken: passwordResetTokenModel(connection),
    Product: productModel(connection),
    Coupon: couponModel(connection),
    CouponUse: couponUseModel(connection),
    Order: orderModel(connection),
    CheckoutRequest: checkoutRequestModel(connection),
    Audit: auditModel(connection),
    ReconciliationReport: reconciliationReportModel(connection),
    Staff: staffModel(connection),
    SentMail: sentMailModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
