import { describe, expect, it } from 'vitest';
import { cartItemSchema, checkAmazonPayCart, type CartItem } from '../../../domain/cart.js';
import { PAY_ON_THIS_SITE_LABEL } from '../../../domain/messages.js';

const item = (overrides: Partial<CartItem> = {}): CartItem => ({
  productId: 'p-1',
  name: '緑茶ティーバッグ',
  salesType: 'normal',
  unitPrice: 1_080,
  quantity: 1,
  ...overrides,
});

describe('R2: carts the Amazon Pay checkout accepts', () => {
  it('R2: normal items only are accepted', () => {
    expect(checkAmazonPayCart([item(), item({ productId: 'p-2', quantity: 99 })])).toEqual({ ok: true });
  });

  it('R2: pre-order items are refused, named, and sent to 「このサイトでお支払い」', () => {
    const result = checkAmazonPayCart([
      item(),
      item({ productId: 'pre-1', name: '新茶（5月発送）', salesType: 'pre_order' }),
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'pre_order_items', productIds: ['pre-1'] });
    expect(result.problems[0]?.message).toBe(
      '予約販売の商品（新茶（5月発送））はAmazon Payではご注文いただけません。カートの「このサイトでお支払い」から通常のご注文フォームでご注文ください。',
    );
    expect(result.problems[0]?.message).toContain(`「${PAY_ON_THIS_SITE_LABEL}」`);
  });

  it('R2: subscription / distribution items are refused and sent to their own cart', () => {
    const result = checkAmazonPayCart([
      item({ productId: 's-1', name: '毎月お届けコーヒー', salesType: 'subscription' }),
      item({ productId: 's-2', name: '季節の頒布会', salesType: 'subscription' }),
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        code: 'subscription_items',
        productIds: ['s-1', 's-2'],
        message:
          '定期・頒布会の商品（毎月お届けコーヒー、季節の頒布会）はAmazon Payではご注文いただけません。定期・頒布会商品専用ショッピングカートからご注文ください。',
      },
    ]);
  });

  it('R2: a mixed cart reports both kinds', () => {
    const result = checkAmazonPayCart([item({ salesType: 'pre_order' }), item({ salesType: 'subscription' }), item()]);
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(['pre_order_items', 'subscription_items']);
  });

  it('R2: an empty cart is refused', () => {
    expect(checkAmazonPayCart([])).toEqual({
      ok: false,
      problems: [{ code: 'empty_cart', message: 'カートに商品が入っていません。' }],
    });
  });

  it('R2: quantities must be 1..99', () => {
    for (const quantity of [0, -1, 100, 1.5]) {
      const result = checkAmazonPayCart([item({ quantity })]);
      expect(result.ok, String(quantity)).toBe(false);
      if (!result.ok) {
        expect(result.problems[0]).toMatchObject({ code: 'quantity_out_of_range', productId: 'p-1', quantity });
        expect(result.problems[0]?.message).toBe('「緑茶ティーバッグ」の数量は1〜99の範囲で指定してください。');
      }
    }
    expect(checkAmazonPayCart([item({ quantity: 1 })]).ok).toBe(true);
    expect(checkAmazonPayCart([item({ quantity: 99 })]).ok).toBe(true);
  });

  it('R2: the cart item schema is strict and knows the three sales types', () => {
    expect(cartItemSchema.safeParse(item()).success).toBe(true);
    expect(cartItemSchema.safeParse({ ...item(), salesType: 'rental' }).success).toBe(false);
    expect(cartItemSchema.safeParse({ ...item(), discount: 10 }).success).toBe(false);
    expect(cartItemSchema.safeParse({ ...item(), unitPrice: 10.5 }).success).toBe(false);
  });
});
