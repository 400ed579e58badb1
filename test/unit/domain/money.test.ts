import { describe, expect, it } from 'vitest';
import {
  amazonMoneySchema,
  formatYen,
  fromAmazonMoney,
  isYen,
  parseAmazonAmount,
  sumYen,
  toAmazonMoney,
  yen,
} from '../../../domain/money.js';

describe('money: JPY whole yen (Amazon Pay amounts are integer yen in Japan)', () => {
  it('accepts non-negative safe integers only', () => {
    expect(isYen(0)).toBe(true);
    expect(isYen(1234)).toBe(true);
    expect(isYen(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(isYen(-1)).toBe(false);
    expect(isYen(1.5)).toBe(false);
    expect(isYen(Number.NaN)).toBe(false);
    expect(isYen(Number.MAX_SAFE_INTEGER + 1)).toBe(false);
    expect(isYen('100')).toBe(false);
    expect(() => yen(0.1)).toThrow(RangeError);
    expect(yen(5)).toBe(5);
  });

  it('parses Amazon amount strings, tolerating a zero fraction but never a real one', () => {
    expect(parseAmazonAmount('1234')).toBe(1234);
    expect(parseAmazonAmount('0')).toBe(0);
    expect(parseAmazonAmount('70000.00')).toBe(70000);
    for (const bad of ['', ' 1', '1,234', '-5', '12.5', '1e3', '¥100', '9007199254740993']) {
      expect(() => parseAmazonAmount(bad), bad).toThrow(RangeError);
    }
  });

  it('converts to and from the Amazon money shape, refusing other currencies', () => {
    expect(toAmazonMoney(5000)).toEqual({ amount: '5000', currencyCode: 'JPY' });
    expect(() => toAmazonMoney(-1)).toThrow(RangeError);
    expect(fromAmazonMoney({ amount: '5000', currencyCode: 'JPY' })).toBe(5000);
    expect(() => fromAmazonMoney({ amount: '5000', currencyCode: 'USD' })).toThrow(/JPY/);
    expect(amazonMoneySchema.parse({ amount: '90000', currencyCode: 'JPY', extra: 1 })).toBe(90000);
    expect(amazonMoneySchema.safeParse({ amount: '1.5', currencyCode: 'JPY' }).success).toBe(false);
    expect(amazonMoneySchema.safeParse({ amount: 100, currencyCode: 'JPY' }).success).toBe(false);
    expect(amazonMoneySchema.safeParse({ amount: '100', currencyCode: 'EUR' }).success).toBe(false);
  });

  it('formats as ¥1,234 with thousands separators', () => {
    expect(formatYen(0)).toBe('¥0');
    expect(formatYen(999)).toBe('¥999');
    expect(formatYen(1000)).toBe('¥1,000');
    expect(formatYen(1234)).toBe('¥1,234');
    expect(formatYen(70000)).toBe('¥70,000');
    expect(formatYen(10_000_000)).toBe('¥10,000,000');
    expect(() => formatYen(-1)).toThrow(RangeError);
  });

  it('sums yen and refuses non-yen parts', () => {
    expect(sumYen([])).toBe(0);
    expect(sumYen([600, 330, 4500])).toBe(5430);
    expect(() => sumYen([1, -1])).toThrow(RangeError);
    expect(() => sumYen([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});
