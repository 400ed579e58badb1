import { describe, expect, it } from 'vitest';
import * as domain from '../../../domain/index.js';

describe('messages: the texts of the manual are exact', () => {
  it('C7/M1/C1/C2/L5/L6: the 「」 texts of the manual, byte for byte', () => {
    expect(domain.ADDRESS_UNUSABLE_MESSAGE).toBe('ご指定のお届け先は利用できません。別のお届け先を選択してください');
    expect(domain.SHOP_MEMO_GIFT_CARD_ONLY).toBe('Amazonギフト券');
    expect(domain.SHOP_MEMO_GIFT_CARD_AND_CARD).toBe('Amazonギフト券と指定のお支払い方法');
    expect(domain.SHOP_MEMO_CARD_ONLY).toBe('Amazonアカウントで指定したお支払い方法');
    expect(domain.PAY_ON_THIS_SITE_LABEL).toBe('このサイトでお支払い');
    expect(domain.CONFIRM_ORDER_LABEL).toBe('注文確定');
    expect(domain.AMAZON_LINKED_AT_COLUMN).toBe('AmazonID連携日時');
    expect(domain.AMAZON_LINK_FILTER_LABEL).toBe('ID連携：Amazon連携');
  });

  it('the public index exposes every module', () => {
    for (const name of [
      'decideAmountChange',
      'classifyPaymentDescriptor',
      'shopMemoLine',
      'checkShippingAddress',
      'checkAmazonPayCart',
      'purchasePointsEligible',
      'applyCoupon',
      'computeTotals',
      'parseOrderProcedure',
      'amazonIdempotencyKey',
      'formatYen',
    ]) {
      expect(typeof (domain as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
