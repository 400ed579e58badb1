import { describe, expect, it } from 'vitest';
import {
  amazonAddressSchema,
  analyzeJapanesePhoneNumber,
  assertSingleShippingAddress,
  checkShippingAddress,
  checkSingleShippingAddress,
  formatPostalCode,
  normalizeJapanesePhoneNumber,
  normalizePostalCode,
  type AmazonAddress,
} from '../../../domain/address.js';
import { DomainRuleError } from '../../../domain/errors.js';
import { ADDRESS_UNUSABLE_MESSAGE } from '../../../domain/messages.js';
import { normalizePrefecture, PREFECTURES } from '../../../domain/prefectures.js';

const tokyo: AmazonAddress = {
  name: '山田 太郎',
  addressLine1: '千代田区千代田1-1',
  addressLine2: 'サンプルビル101',
  addressLine3: null,
  city: null,
  county: null,
  district: null,
  stateOrRegion: '東京都',
  postalCode: '100-0001',
  countryCode: 'JP',
  phoneNumber: '03-1234-5678',
};

describe('C7: Japanese phone numbers', () => {
  it('C7: accepts 10- and 11-digit domestic numbers in mixed formats', () => {
    expect(normalizeJapanesePhoneNumber('03-1234-5678')).toBe('0312345678');
    expect(normalizeJapanesePhoneNumber('090-1234-5678')).toBe('09012345678');
    expect(normalizeJapanesePhoneNumber('(03) 1234-5678')).toBe('0312345678');
    expect(normalizeJapanesePhoneNumber('０９０ー１２３４ー５６７８')).toBe('09012345678');
    expect(normalizeJapanesePhoneNumber('０３（１２３４）５６７８')).toBe('0312345678');
    expect(normalizeJapanesePhoneNumber('0120.123.456')).toBe('0120123456');
    expect(normalizeJapanesePhoneNumber('09012345678')).toBe('09012345678');
  });

  it('C7: turns the +81 country code back into the trunk 0, once', () => {
    expect(normalizeJapanesePhoneNumber('+81 90-1234-5678')).toBe('09012345678');
    expect(normalizeJapanesePhoneNumber('+81-3-1234-5678')).toBe('0312345678');
    expect(normalizeJapanesePhoneNumber('+81 (0)3-1234-5678')).toBe('0312345678');
    expect(normalizeJapanesePhoneNumber('＋８１９０１２３４５６７８')).toBe('09012345678');
  });

  it("C7: too few digits (the manual's example) and other defects are named", () => {
    expect(analyzeJapanesePhoneNumber('03-1234-567')).toEqual({ ok: false, problem: 'too_few_digits' });
    expect(analyzeJapanesePhoneNumber('090-1234-567')).toEqual({ ok: false, problem: 'too_few_digits' });
    expect(analyzeJapanesePhoneNumber('+81 3-1234-567')).toEqual({ ok: false, problem: 'too_few_digits' });
    expect(analyzeJapanesePhoneNumber('090-1234-56789')).toEqual({ ok: false, problem: 'too_many_digits' });
    expect(analyzeJapanesePhoneNumber('')).toEqual({ ok: false, problem: 'missing' });
    expect(analyzeJapanesePhoneNumber(null)).toEqual({ ok: false, problem: 'missing' });
    expect(analyzeJapanesePhoneNumber('　')).toEqual({ ok: false, problem: 'missing' });
    expect(analyzeJapanesePhoneNumber('03-1234-5678 内線12')).toEqual({ ok: false, problem: 'invalid_characters' });
    expect(analyzeJapanesePhoneNumber('+1 415 555 0100')).toEqual({ ok: false, problem: 'not_domestic' });
    expect(analyzeJapanesePhoneNumber('3123456789')).toEqual({ ok: false, problem: 'not_domestic' });
    expect(analyzeJapanesePhoneNumber('0012345678')).toEqual({ ok: false, problem: 'not_domestic' });
    expect(normalizeJapanesePhoneNumber('03-1234-567')).toBeUndefined();
  });

  it('C7: mobile / IP / 0800 numbers need 11 digits, fixed lines and 0120 exactly 10', () => {
    expect(analyzeJapanesePhoneNumber('080-1234-567')).toEqual({ ok: false, problem: 'too_few_digits' });
    expect(analyzeJapanesePhoneNumber('050-1234-567')).toEqual({ ok: false, problem: 'too_few_digits' });
    expect(analyzeJapanesePhoneNumber('0800-123-456')).toEqual({ ok: false, problem: 'too_few_digits' });
    expect(normalizeJapanesePhoneNumber('0800-123-4567')).toBe('08001234567');
    expect(normalizeJapanesePhoneNumber('050-1234-5678')).toBe('05012345678');
    expect(analyzeJapanesePhoneNumber('03-1234-56789')).toEqual({ ok: false, problem: 'too_many_digits' });
    expect(analyzeJapanesePhoneNumber('0120-123-4567')).toEqual({ ok: false, problem: 'too_many_digits' });
    expect(normalizeJapanesePhoneNumber('0466-12-3456')).toBe('0466123456');
  });
});

describe('C7: postal codes and prefectures', () => {
  it('C7: postal code is 7 digits, with or without hyphen, full-width or 〒 allowed', () => {
    expect(normalizePostalCode('100-0001')).toBe('1000001');
    expect(normalizePostalCode('1000001')).toBe('1000001');
    expect(normalizePostalCode('１００－０００１')).toBe('1000001');
    expect(normalizePostalCode('１００ー０００１')).toBe('1000001');
    expect(normalizePostalCode('〒100-0001')).toBe('1000001');
    for (const bad of ['100-001', '10000011', '1000-001', 'abc-defg', '', null, undefined]) {
      expect(normalizePostalCode(bad), String(bad)).toBeUndefined();
    }
    expect(formatPostalCode('1000001')).toBe('100-0001');
  });

  it('C7: exactly the 47 prefectures, full or without the 都/府/県 suffix', () => {
    expect(PREFECTURES).toHaveLength(47);
    expect(new Set(PREFECTURES).size).toBe(47);
    expect(normalizePrefecture('東京都')).toBe('東京都');
    expect(normalizePrefecture('東京')).toBe('東京都');
    expect(normalizePrefecture('京都')).toBe('京都府');
    expect(normalizePrefecture('北海道')).toBe('北海道');
    expect(normalizePrefecture(' 沖縄県 ')).toBe('沖縄県');
    expect(normalizePrefecture('北海')).toBeUndefined();
    expect(normalizePrefecture('カリフォルニア州')).toBeUndefined();
    expect(normalizePrefecture('Tokyo')).toBeUndefined();
    expect(normalizePrefecture('')).toBeUndefined();
  });
});

describe('C7: shipping address usability', () => {
  it('C7: a complete Japanese address is usable and comes back normalized', () => {
    expect(checkShippingAddress(tokyo)).toEqual({
      usable: true,
      address: {
        name: '山田 太郎',
        postalCode: '1000001',
        prefecture: '東京都',
        city: '',
        addressLines: ['千代田区千代田1-1', 'サンプルビル101'],
        phoneNumber: '0312345678',
      },
    });
  });

  it('C7: too few phone digits makes the address unusable with the exact message of the manual', () => {
    const result = checkShippingAddress({ ...tokyo, phoneNumber: '03-1234-567' });
    expect(result).toEqual({ usable: false, reasons: ['phone_too_few_digits'], message: ADDRESS_UNUSABLE_MESSAGE });
    expect(ADDRESS_UNUSABLE_MESSAGE).toBe('ご指定のお届け先は利用できません。別のお届け先を選択してください');
  });

  it.each([
    [{ countryCode: 'US' }, 'country_not_jp'],
    [{ countryCode: null }, 'country_not_jp'],
    [{ stateOrRegion: null }, 'prefecture_missing'],
    [{ stateOrRegion: ' ' }, 'prefecture_missing'],
    [{ stateOrRegion: 'Ontario' }, 'prefecture_unknown'],
    [{ postalCode: '100-001' }, 'postal_code_invalid'],
    [{ postalCode: null }, 'postal_code_invalid'],
    [{ phoneNumber: null }, 'phone_missing'],
    [{ phoneNumber: '090-1234-56789' }, 'phone_too_many_digits'],
    [{ addressLine1: null, addressLine2: '', addressLine3: '  ' }, 'address_line_missing'],
    [{ name: '' }, 'name_missing'],
  ] as const)('C7: %j is unusable (%s)', (patch, reason) => {
    const result = checkShippingAddress({ ...tokyo, ...patch });
    expect(result.usable).toBe(false);
    if (!result.usable) {
      expect(result.reasons).toEqual([reason]);
      expect(result.message).toBe(ADDRESS_UNUSABLE_MESSAGE);
    }
  });

  it('C7: lower-case country code, full-width postal code and a lone addressLine3 are fine', () => {
    const result = checkShippingAddress({
      ...tokyo,
      countryCode: 'jp',
      postalCode: '１０００００１',
      addressLine1: null,
      addressLine2: null,
      addressLine3: '大阪市北区1-2-3',
      stateOrRegion: '大阪府',
      city: '大阪市',
    });
    expect(result.usable).toBe(true);
    if (result.usable)
      expect(result.address).toMatchObject({
        postalCode: '1000001',
        prefecture: '大阪府',
        city: '大阪市',
        addressLines: ['大阪市北区1-2-3'],
      });
  });

  it('C7: reports every problem at once', () => {
    const result = checkShippingAddress({
      ...tokyo,
      countryCode: 'US',
      postalCode: '94105',
      phoneNumber: '+1 415 555 0100',
    });
    expect(result.usable).toBe(false);
    if (!result.usable) expect(result.reasons).toEqual(['country_not_jp', 'postal_code_invalid', 'phone_not_domestic']);
  });

  it("C7: the zod schema takes Amazon's nullable fields and drops unknown keys", () => {
    const parsed = amazonAddressSchema.parse({ ...tokyo, addressLine3: undefined, extraField: 'x' });
    expect(parsed).not.toHaveProperty('extraField');
    expect(amazonAddressSchema.safeParse({ ...tokyo, postalCode: 1000001 }).success).toBe(false);
    expect(amazonAddressSchema.parse({})).toEqual({});
  });
});

describe('R3: exactly one shipping address', () => {
  it('R3: a list of one is the address', () => {
    expect(checkSingleShippingAddress([tokyo])).toEqual({ ok: true, address: tokyo });
    expect(assertSingleShippingAddress([tokyo])).toBe(tokyo);
  });

  it('R3: none or several destinations are refused', () => {
    expect(checkSingleShippingAddress([])).toEqual({ ok: false, reason: 'none', count: 0 });
    expect(checkSingleShippingAddress(null)).toEqual({ ok: false, reason: 'none', count: 0 });
    expect(checkSingleShippingAddress([tokyo, tokyo])).toEqual({ ok: false, reason: 'multiple', count: 2 });
    expect(() => assertSingleShippingAddress([tokyo, tokyo])).toThrow(DomainRuleError);
    try {
      assertSingleShippingAddress(undefined);
    } catch (error) {
      expect(error).toMatchObject({ rule: 'R3', code: 'shipping_address_none' });
    }
  });
});
