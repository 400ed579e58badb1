/**
 * MongoDB work of the order workflow: coupons (C5), member data (C5, C6), registration at purchase
 * (C4, L7, L8) and the orders read model. Every write is an idempotent upsert or a guarded insert.
 */
import { couponSchema, type Coupon } from '../domain/coupon.js';
import type { ExtraFieldDefinition } from '../domain/member.js';
import { missingExtraFields } from '../domain/order-procedure.js';
import { isDuplicateKey } from '../db/errors.js';
import { createMemberRepository, MemberRuleError } from '../db/members.js';
import type { Models } from '../db/models/index.js';
import { dayOf, orderListKeys } from '../db/models/order.js';
import type { OrderView } from '../workflows/order/definitions.js';

export interface MemberSnapshot {
  memberId: string;
  email: string;
  name: string;
  newsletter: boolean | null;
  mobileMail: boolean | null;
  /** C6: required extra fields still missing. */
  missingExtraFields: { key: string; label: string }[];
}

/** A coupon as it crosses into the workflow: dates as ISO strings (payloads are JSON). */
export type CouponData = Omit<Coupon, 'validFrom' | 'validUntil'> & { validFrom: string; validUntil: string };

export type CouponLookup = { found: false } | { found: true; coupon: CouponData; alreadyUsedByMember: boolean };

export type RegistrationOutcome =
  | { outcome: 'registered'; memberId: string; registeredAt: string }
  | { outcome: 'email_taken' | 'buyer_linked_elsewhere' };

export function createOrderActivities(deps: { models: Models; extraFields: readonly ExtraFieldDefinition[] }) {
  const { models } = deps;
  const members = createMemberRepository(models);

  return {
    async getMemberSnapshot(memberId: string): Promise<MemberSnapshot | null> {
      const member = await members.findById(memberId);
      if (member === null) return null;
      return {
        memberId: member.memberId,
        email: member.email,
        name: member.name,
        newsletter: member.newsletter,
        mobileMail: member.mobileMail,
        missingExtraFields: missingExtraFields(member.extra, deps.extraFields).map(({ key, label }) => ({
          key,
          label,
        })),
      };
    },

    async findCoupon(input: { code: string; memberId: string; orderId: string }): Promise<CouponLookup> {
      const stored = await models.Coupon.findOne({ code: input.code }).lean();
      if (stored === null) return { found: false };
      const { _id: _ignored, ...fields } = stored as typeof stored & { _id?: unknown };
      const coupon = couponSchema.parse(fields);
      // A use by this same order (a re-submitted procedure after confirm) is not "already used".
      const use = await models.CouponUse.findOne({ code: input.code, memberId: input.memberId }).lean();
      return {
        found: true,
        coupon: { ...coupon, validFrom: coupon.validFrom.toISOString(), validUntil: coupon.validUntil.toISOString() },
        alreadyUsedByMember: use !== null && use.orderId !== input.orderId,
      };
    },

    /** C5 "usage counted once": the unique (code, member) row is the reservation; idempotent per order. */
    async reserveCoupon(input: { code: string; memberId: string; orderId: string }): Promise<{ reserved: boolean }> {
      try {
        await models.CouponUse.create({ ...input, usedAt: new Date() });
        return { reserved: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const existing = await models.CouponUse.findOne({ code: input.code, memberId: input.memberId }).lean();
        return { reserved: existing?.orderId === input.orderId };
      }
    },

    async releaseCoupon(input: { code: string; memberId: string; orderId: string }): Promise<void> {
      await models.CouponUse.deleteOne(input);
    },

    /**
     * C4: "register as member" at purchase. L7: registration time = Amazon link time; L8: no password.
     * The member id is derived from the order, so a retried activity finds the member it created and
     * finishes linking it; a buyer id linked elsewhere in the meantime undoes it (`buyer_linked_elsewhere`).
     */
    async registerMemberAtPurchase(input: {
      orderId: string;
      buyerId: string;
      email: string;
      name: string;
      postalCode: string;
      prefecture: string;
      address: string;
      phone: string;
      newsletter: boolean | null;
    }): Promise<RegistrationOutcome> {
      try {
        // Resumable (db/members.ts): a retry after a crash at any point finishes the same registration —
        // one member, linked to the buyer, registered at the link time — or answers why it cannot be.
        const member = await members.register({
          memberId: `M-${input.orderId}`,
          email: input.email,
          name: input.name,
          postalCode: input.postalCode,
          prefecture: input.prefecture,
          address: input.address,
          phone: input.phone,
          passwordHash: null,
          newsletter: input.newsletter,
          // C8: never asked at an Amazon Pay checkout.
          mobileMail: null,
          extra: {},
          registeredVia: 'amazon_pay_checkout',
          amazonBuyerId: input.buyerId,
        });
        return { outcome: 'registered', memberId: member.memberId, registeredAt: member.registeredAt.toISOString() };
      } catch (error) {
        if (
          error instanceof MemberRuleError &&
          (error.code === 'email_taken' || error.code === 'buyer_linked_elsewhere')
        )
          return { outcome: error.code };
        throw error;
      }
    },

    /** Upserts the read model; an older version never overwrites a newer one (retries, reordering). */
    async saveOrderView(view: OrderView): Promise<void> {
      const fields = {
        orderId: view.orderId,
        version: view.version,
        status: view.status,
        // The member the order belongs to: the one who ordered, or the one a guest became at purchase (C4).
        memberId: view.memberId ?? view.registeredMemberId,
        isGuest: view.isGuest,
        chargePermissionId: view.chargePermissionId,
        paymentMethod: view.paymentMethod?.kind ?? null,
        total: view.totals.total,
        createdAt: new Date(view.createdAt),
        updatedAt: new Date(view.updatedAt),
        updatedDay: dayOf(new Date(view.updatedAt)),
        ...orderListKeys({
          createdAt: new Date(view.createdAt),
          status: view.status,
          paymentMethod: view.paymentMethod?.kind ?? null,
        }),
        view: view as unknown as Record<string, unknown>,
      };
      let outcome = 'duplicate key (this or a newer version is stored)';
      try {
        const result = await models.Order.updateOne(
          { _id: view.orderId, version: { $lt: view.version } },
          { $set: fields },
          { upsert: true },
        );
        outcome = `matched ${result.matchedCount}, modified ${result.modifiedCount}, upserted ${result.upsertedCount}`;
      } catch (error) {
        // The row exists with this or a newer version: the upsert's insert collided.
        if (!isDuplicateKey(error)) throw error;
      }
      // Success means the read model now holds this version or a newer one, read back: a database
      // that acknowledges a write it did not apply (seen once around a FerretDB restart under load)
      // makes the activity retry instead of leaving the read model behind the workflow for good.
      const stored = await models.Order.findOne({ _id: view.orderId }, { version: 1 }).lean();
      if (stored === null || stored.version < view.version) {
        throw new Error(
          `read model of ${view.orderId} holds version ${stored?.version ?? 'none'} after writing ${view.version} (${outcome})`,
        );
      }
    },
  };
}
