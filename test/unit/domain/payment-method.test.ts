import { describe, expect, it } from 'vitest';
import {
  SHOP_MEMO_CARD_ONLY,
  SHOP_MEMO_GIFT_CARD_AND_CARD,
  SHOP_MEMO_GIFT_CARD_ONLY,
} from '../../../domain/messages.js';
import { classifyPaymentDescriptor, shopMemoLine } from '../../../domain/payment-method.js';

describe('payment descriptor classification (M1, M2, A3)', () => {
  it('M1/A3: the emulator formats classify exactly', () => {
    expect(classifyPaymentDescriptor('Amazonギフトカード')).toEqual({ kind: 'gift_card' });
    expect(classifyPaymentDescriptor('Amazonギフトカード + Visa ****1234')).toEqual({
      kind: 'gift_card_and_card',
      cardBrand: 'Visa',
      cardLast4: '1234',
    });
    expect(classifyPaymentDescriptor('Visa ****1234')).toEqual({ kind: 'card', cardBrand: 'Visa', cardLast4: '1234' });
  });

  it('M2: recognizes the common brands and canonicalizes their spelling', () => {
    expect(classifyPaymentDescriptor('Mastercard ****5454')).toEqual({
      kind: 'card',
      cardBrand: 'Mastercard',
      cardLast4: '5454',
    });
    expect(classifyPaymentDescriptor('MasterCard ****5454').cardBrand).toBe('Mastercard');
    expect(classifyPaymentDescriptor('JCB ****0000')).toEqual({ kind: 'card', cardBrand: 'JCB', cardLast4: '0000' });
    expect(classifyPaymentDescriptor('American Express ****0005').cardBrand).toBe('American Express');
    expect(classifyPaymentDescriptor('AMEX ****0005').cardBrand).toBe('American Express');
    expect(classifyPaymentDescriptor('Diners Club ****0004')).toEqual({
      kind: 'card',
      cardBrand: 'Diners Club',
      cardLast4: '0004',
    });
    expect(classifyPaymentDescriptor('Amazonギフトカード + JCB ****9999')).toEqual({
      kind: 'gift_card_and_card',
      cardBrand: 'JCB',
      cardLast4: '9999',
    });
  });

  it('A3: tolerates the older wording Amazonギフト券 and the English Amazon Gift Card', () => {
    expect(classifyPaymentDescriptor('Amazonギフト券').kind).toBe('gift_card');
    expect(classifyPaymentDescriptor('Amazon Gift Card').kind).toBe('gift_card');
    expect(classifyPaymentDescriptor('amazon gift card').kind).toBe('gift_card');
    expect(classifyPaymentDescriptor('Amazon Gift Card + Visa ****1234').kind).toBe('gift_card_and_card');
    expect(classifyPaymentDescriptor('Visa ****1234 + Amazonギフト券')).toEqual({
      kind: 'gift_card_and_card',
      cardBrand: 'Visa',
      cardLast4: '1234',
    });
  });

  it('A3: tolerates full-width text and spacing variations', () => {
    expect(classifyPaymentDescriptor('  Ａｍａｚｏｎギフトカード  ').kind).toBe('gift_card');
    expect(classifyPaymentDescriptor('Amazonギフトカード＋Ｖｉｓａ　＊＊＊＊１２３４')).toEqual({
      kind: 'gift_card_and_card',
      cardBrand: 'Visa',
      cardLast4: '1234',
    });
  });

  it('A3: missing, null or empty descriptors are a card with no details (documented choice)', () => {
    expect(classifyPaymentDescriptor(undefined)).toEqual({ kind: 'card' });
    expect(classifyPaymentDescriptor(null)).toEqual({ kind: 'card' });
    expect(classifyPaymentDescriptor('   ')).toEqual({ kind: 'card' });
  });

  it('A3: a gift-card phrase inside other text is not a gift-card-only payment', () => {
    expect(classifyPaymentDescriptor('Visa ****1234').kind).not.toBe('gift_card');
    expect(classifyPaymentDescriptor('Amazonギフトカード風カード ****1234').kind).toBe('card');
  });

  it('M2: an unknown brand is kept when it looks like a name, dropped when it does not', () => {
    expect(classifyPaymentDescriptor('UnionPay ****8888')).toEqual({
      kind: 'card',
      cardBrand: 'UnionPay',
      cardLast4: '8888',
    });
    expect(classifyPaymentDescriptor('<script> ****8888')).toEqual({ kind: 'card', cardLast4: '8888' });
    expect(classifyPaymentDescriptor('Visa')).toEqual({ kind: 'card', cardBrand: 'Visa' });
    expect(classifyPaymentDescriptor('Visa ****12345')).toEqual({ kind: 'card' });
  });
});

describe('shop memo line (M1, M2)', () => {
  it('M1: the three memo texts exactly as the manual writes them', () => {
    expect(shopMemoLine({ kind: 'gift_card' })).toBe('Amazonギフト券');
    expect(shopMemoLine({ kind: 'gift_card_and_card' })).toBe('Amazonギフト券と指定のお支払い方法');
    expect(shopMemoLine({ kind: 'card' })).toBe('Amazonアカウントで指定したお支払い方法');
    expect([SHOP_MEMO_GIFT_CARD_ONLY, SHOP_MEMO_GIFT_CARD_AND_CARD, SHOP_MEMO_CARD_ONLY]).toEqual([
      'Amazonギフト券',
      'Amazonギフト券と指定のお支払い方法',
      'Amazonアカウントで指定したお支払い方法',
    ]);
  });

  it('M2: appends brand and masked last four after the unchanged M1 text', () => {
    expect(shopMemoLine(classifyPaymentDescriptor('Visa ****1234'))).toBe(
      'Amazonアカウントで指定したお支払い方法（Visa ****1234）',
    );
    expect(shopMemoLine(classifyPaymentDescriptor('Amazonギフトカード + Mastercard ****5454'))).toBe(
      'Amazonギフト券と指定のお支払い方法（Mastercard ****5454）',
    );
    expect(shopMemoLine({ kind: 'card', cardBrand: 'JCB' })).toBe('Amazonアカウントで指定したお支払い方法（JCB）');
    expect(shopMemoLine({ kind: 'card', cardLast4: '0001' })).toBe(
      'Amazonアカウントで指定したお支払い方法（****0001）',
    );
  });

  it('M1: a gift-card-only memo never carries card details, and every memo starts with its M1 text', () => {
    expect(shopMemoLine(classifyPaymentDescriptor('Amazonギフトカード'))).toBe('Amazonギフト券');
    expect(shopMemoLine({ kind: 'gift_card', cardBrand: 'Visa', cardLast4: '1234' })).toBe('Amazonギフト券');
    expect(
      shopMemoLine(classifyPaymentDescriptor('Amazonギフトカード + Visa ****1234')).startsWith(
        SHOP_MEMO_GIFT_CARD_AND_CARD,
      ),
    ).toBe(true);
    expect(shopMemoLine(classifyPaymentDescriptor(null))).toBe(SHOP_MEMO_CARD_ONLY);
  });
});
