/**
 * A year of a shop's data, written straight into the database before a bench run (`--preload N`):
 * N orders in the read model's real shape (cloned from an order the bench just placed) with a
 * year's status mix, and N members, a third of them Amazon-linked, some with coupons used. Bulk
 * inserts through the driver, not workflows: the point is what is stored, not how it got there.
 */
import type { Database } from '../../db/connection.js';
import { dayOf, orderListKeys, type OrderDoc } from '../../db/models/order.js';

/** A year at a shop: most orders shipped; some abandoned at Amazon, canceled, refunded, still open. */
const STATUS_MIX: [status: string, share: number][] = [
  ['Captured', 0.7],
  ['Abandoned', 0.1],
  ['Canceled', 0.05],
  ['Refunded', 0.04],
  ['PartiallyRefunded', 0.03],
  ['Placed', 0.05],
  ['Failed', 0.03],
];

/** How placed orders are paid (M1, A3): mostly a card, some gift card with a card, a few gift card alone. */
const PAYMENT_MIX: [kind: string, share: number][] = [
  ['card', 0.85],
  ['gift_card_and_card', 0.1],
  ['gift_card', 0.05],
];

const BATCH = 2_000;
const YEAR_MS = 365 * 24 * 3_600_000;

/** The mix's entry of `x` in [0, 1). */
function pick(mix: [string, number][], x: number): string {
  let rest = x;
  for (const [value, share] of mix) {
    if (rest < share) return value;
    rest -= share;
  }
  return (mix[0] as [string, number])[0];
}

const statusOf = (n: number) => pick(STATUS_MIX, (n * 0.618_033_988_75) % 1);
const paymentKindOf = (n: number) => pick(PAYMENT_MIX, (n * 0.414_213_562_37) % 1);

/** Member n as a shop would hold it: every third one Amazon-linked (shared by the member benches). */
export function benchMember(n: number, memberId: string, at: Date) {
  const linked = n % 3 === 0;
  return {
    memberId,
    email: `member${n}@example.jp`,
    name: `会員 ${n}`,
    postalCode: '1500041',
    prefecture: '東京都',
    address: `渋谷区神南1-2-${n}`,
    phone: '09012345678',
    passwordHash: null,
    newsletter: n % 2 === 0 ? true : null,
    mobileMail: null,
    registeredAt: at,
    registeredVia: linked ? 'amazon_pay_checkout' : 'form',
    amazonBuyerId: linked ? `amzn1.account.BENCH${n}` : null,
    amazonLinkedAt: linked ? at : null,
    extra: { birthday: '1990-01-01' },
  };
}

export interface PreloadResult {
  orders: number;
  members: number;
  seconds: number;
  ordersPerSecond: number;
}

/** Writes `count` members and `count` orders; `template` is a real read-model row to clone. */
export async function preloadShop(
  database: Database,
  count: number,
  template: OrderDoc,
  say: (line: string) => void = () => undefined,
): Promise<PreloadResult> {
  const { Member, AmazonLink, CouponUse, Order } = database.models;
  const started = performance.now();
  const now = Date.now();
  const memberIdOf = (n: number) => `PRE${String(n).padStart(9, '0')}`;
  for (let offset = 0; offset < count; offset += BATCH) {
    const size = Math.min(BATCH, count - offset);
    const members = Array.from({ length: size }, (_, i) =>
      benchMember(offset + i, memberIdOf(offset + i), new Date(now - YEAR_MS + ((offset + i) / count) * YEAR_MS)),
    );
    const links = members
      .filter((m) => m.amazonBuyerId !== null)
      .map((m) => ({ buyerId: m.amazonBuyerId, memberId: m.memberId, linkedAt: m.amazonLinkedAt }));
    const orders = Array.from({ length: size }, (_, i) => {
      const n = offset + i;
      const orderId = `${template.orderId.slice(0, 2)}PRE${String(n).padStart(9, '0')}`;
      const memberId = n % 5 < 3 ? memberIdOf((n * 7) % count) : null;
      const status = statusOf(n);
      const at = new Date(now - YEAR_MS + (n / count) * YEAR_MS);
      const placed = !['Abandoned', 'Failed'].includes(status);
      const paymentKind = placed ? paymentKindOf(n) : null;
      return {
        ...template,
        _id: orderId,
        orderId,
        status,
        memberId,
        isGuest: memberId === null,
        chargePermissionId: placed ? `P03-PRE-${String(n).padStart(9, '0')}` : null,
        paymentMethod: paymentKind,
        createdAt: at,
        updatedAt: at,
        updatedDay: dayOf(at),
        ...orderListKeys({ createdAt: at, status, paymentMethod: paymentKind }),
        view: {
          ...template.view,
          orderId,
          status,
          memberId,
          paymentMethod:
            paymentKind === null ? null : { kind: paymentKind, cardBrand: null, cardLast4: null, descriptor: null },
          ...(placed ? {} : { payment: null }),
        },
      };
    });
    // A member who used the welcome coupon on one of their orders (one use per member and code).
    const couponUses = orders
      .filter((o) => o.memberId !== null && Number(o.orderId.slice(-3)) % 4 === 0)
      .map((o) => ({ code: 'WELCOME500', memberId: o.memberId as string, orderId: o.orderId, usedAt: o.createdAt }));
    await Promise.all([
      Member.collection.insertMany(members, { ordered: false }),
      links.length > 0 ? AmazonLink.collection.insertMany(links, { ordered: false }) : undefined,
      Order.insertMany(orders, { ordered: false, lean: true }),
    ]);
    if (couponUses.length > 0)
      await CouponUse.collection.insertMany(couponUses, { ordered: false }).catch((error: unknown) => {
        // The same member drawn twice for the same code: the unique index keeps one, as the shop would.
        if ((error as { code?: number }).code !== 11000) throw error;
      });
    if ((offset / BATCH) % 10 === 0) say(`preload: ${offset + size} of ${count} orders and members`);
  }
  const seconds = (performance.now() - started) / 1000;
  return { orders: count, members: count, seconds: Math.round(seconds), ordersPerSecond: Math.round(count / seconds) };
}
