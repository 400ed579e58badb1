/**
 * Demo catalog and coupons (idempotent upserts): `npm run seed`, and `npm start` runs it.
 * Prices are tax-included yen. One pre-order and one subscription item show R2's refusal.
 */
import type { Models } from './models/index.js';
import type { CouponDoc, ProductDoc } from './models/catalog.js';

export const DEMO_PRODUCTS: ProductDoc[] = [
  {
    productId: 'tea-sencha',
    name: '静岡煎茶 100g',
    description: '深蒸しの香り高い煎茶',
    price: 1_200,
    salesType: 'normal',
    active: true,
  },
  {
    productId: 'tea-gyokuro',
    name: '八女玉露 50g',
    description: '旨みの濃い高級玉露',
    price: 2_800,
    salesType: 'normal',
    active: true,
  },
  {
    productId: 'kyusu',
    name: '常滑焼 急須',
    description: '職人手づくりの朱泥急須',
    price: 6_500,
    salesType: 'normal',
    active: true,
  },
  {
    productId: 'wagashi',
    name: '季節の和菓子 6個入',
    description: '職人の上生菓子',
    price: 2_160,
    salesType: 'normal',
    active: true,
  },
  {
    productId: 'shincha-preorder',
    name: '【予約】新茶 2027 初摘み',
    description: '5月上旬発送の予約商品',
    price: 3_240,
    salesType: 'pre_order',
    active: true,
  },
  {
    productId: 'tea-subscription',
    name: '【定期便】毎月のお茶セット',
    description: '毎月届く定期便',
    price: 3_980,
    salesType: 'subscription',
    active: true,
  },
];

function demoCoupons(now: Date): CouponDoc[] {
  const from = new Date(Date.UTC(2026, 0, 1));
  const until = new Date(Date.UTC(now.getUTCFullYear() + 2, 0, 1));
  return [
    {
      code: 'WELCOME500',
      name: '会員様500円引き',
      type: 'fixed',
      value: 500,
      minimumPurchase: 3_000,
      validFrom: from,
      validUntil: until,
      membersOnly: true,
    },
    {
      code: 'TEA10',
      name: 'お茶10%オフ',
      type: 'percent',
      value: 10,
      minimumPurchase: 0,
      validFrom: from,
      validUntil: until,
      membersOnly: true,
    },
    {
      code: 'EXPIRED2025',
      name: '期限切れクーポン',
      type: 'fixed',
      value: 300,
      minimumPurchase: 0,
      validFrom: new Date(Date.UTC(2025, 0, 1)),
      validUntil: new Date(Date.UTC(2026, 0, 1)),
      membersOnly: true,
    },
  ];
}

export async function seedCatalog(
  models: Pick<Models, 'Product' | 'Coupon'>,
  now = new Date(),
): Promise<{ products: number; coupons: number }> {
  await models.Product.bulkWrite(
    DEMO_PRODUCTS.map((product) => ({
      updateOne: { filter: { productId: product.productId }, update: { $set: product }, upsert: true },
    })),
  );
  const coupons = demoCoupons(now);
  await models.Coupon.bulkWrite(
    coupons.map((coupon) => ({ updateOne: { filter: { code: coupon.code }, update: { $set: coupon }, upsert: true } })),
  );
  return { products: DEMO_PRODUCTS.length, coupons: coupons.length };
}
