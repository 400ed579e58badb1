import { describe, expect, it } from 'vitest';
import { checkShippingAddress } from '../../../domain/address.js';
import { DELIVERY_TIME_SLOT_LABELS } from '../../../domain/messages.js';
import {
  canConfirm,
  deliveryDateRange,
  isDeliveryDateAllowed,
  missingExtraFields,
  ordererFromAmazon,
  orderPreferenceFields,
  parseOrderProcedure,
  type OrderProcedureInput,
} from '../../../domain/order-procedure.js';

const today = '2026-11-30';
const form = (overrides: Partial<OrderProcedureInput> = {}): OrderProcedureInput => ({
  orderer: {
    name: '山田 太郎',
    email: 'taro@example.jp',
    phoneNumber: '090-1234-5678',
    postalCode: '100-0001',
    prefecture: '東京都',
    address: '千代田区千代田1-1',
  },
  delivery: { date: 'unspecified', timeSlot: 'unspecified' },
  gift: { wrapping: false, noshi: null },
  privacyPolicyConsent: false,
  ...overrides,
});
const guest = { isMember: false, today };
const member = { isMember: true, today };

function issuesOf(input: unknown, context = guest): { path: string; message: string }[] {
  const result = parseOrderProcedure(input, context);
  return result.ok ? [] : result.issues;
}

describe('C3: order-procedure form', () => {
  it('C3/C6: a minimal form parses and normalizes the Amazon-supplied orderer fields', () => {
    const result = parseOrderProcedure(
      form({
        orderer: {
          ...form().orderer,
          phoneNumber: '＋８１ ９０-1234-5678',
          postalCode: '１００ー０００１',
          prefecture: '東京',
        },
      }),
      guest,
    );
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.value.orderer).toMatchObject({
        phoneNumber: '09012345678',
        postalCode: '1000001',
        prefecture: '東京都',
      });
  });

  it('C3: unknown keys are refused at every level', () => {
    expect(issuesOf({ ...form(), giftMessage: 'hi' })).not.toEqual([]);
    expect(issuesOf(form({ orderer: { ...form().orderer, ...{ fax: '03' } } }))).not.toEqual([]);
    expect(issuesOf(form({ delivery: { date: 'unspecified', timeSlot: 'morning', ...{ carrier: 'x' } } }))).not.toEqual(
      [],
    );
  });

  it('C3/C6: the corrected orderer fields are validated with Japanese messages', () => {
    const issues = issuesOf(
      form({
        orderer: {
          ...form().orderer,
          name: ' ',
          email: 'not-mail',
          phoneNumber: '090-1234-567',
          postalCode: '100-001',
          prefecture: 'Tokyo',
          furigana: 'Yamada',
        },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'orderer.name', message: 'お名前を入力してください。' },
        { path: 'orderer.email', message: 'メールアドレスの形式が正しくありません。' },
        { path: 'orderer.phoneNumber', message: '電話番号は市外局番から10桁または11桁で入力してください。' },
        { path: 'orderer.postalCode', message: '郵便番号は7桁で入力してください。' },
        { path: 'orderer.prefecture', message: '都道府県を選択してください。' },
        { path: 'orderer.furigana', message: 'フリガナはカタカナで入力してください。' },
      ]),
    );
  });

  it('C3: furigana is optional and accepts kana', () => {
    expect(parseOrderProcedure(form({ orderer: { ...form().orderer, furigana: 'ヤマダ タロウ' } }), guest).ok).toBe(
      true,
    );
  });

  it('C3: delivery date within 3..30 days ahead (JST), or unspecified', () => {
    expect(deliveryDateRange(today)).toEqual({ earliest: '2026-12-03', latest: '2026-12-30' });
    expect(isDeliveryDateAllowed('unspecified', today)).toBe(true);
    expect(isDeliveryDateAllowed('2026-12-02', today)).toBe(false);
    expect(isDeliveryDateAllowed('2026-12-03', today)).toBe(true);
    expect(isDeliveryDateAllowed('2026-12-30', today)).toBe(true);
    expect(isDeliveryDateAllowed('2026-12-31', today)).toBe(false);
    expect(isDeliveryDateAllowed('2026-02-30', '2026-02-01')).toBe(false);
    expect(issuesOf(form({ delivery: { date: '2026-12-31', timeSlot: 'morning' } }))).toEqual([
      { path: 'delivery.date', message: 'お届け希望日は2026-12-03から2026-12-30までの日付を指定してください。' },
    ]);
    expect(parseOrderProcedure(form({ delivery: { date: '2026-12-03', timeSlot: '19-21' } }), guest).ok).toBe(true);
  });

  it('C3: the delivery window is configurable', () => {
    const window = { earliestDaysAhead: 1, latestDaysAhead: 7 };
    expect(
      parseOrderProcedure(form({ delivery: { date: '2026-12-01', timeSlot: 'unspecified' } }), {
        ...guest,
        deliveryWindow: window,
      }).ok,
    ).toBe(true);
    expect(
      parseOrderProcedure(form({ delivery: { date: '2026-12-08', timeSlot: 'unspecified' } }), {
        ...guest,
        deliveryWindow: window,
      }).ok,
    ).toBe(false);
  });

  it('C3: time slots come from a fixed list with Japanese labels', () => {
    expect(Object.values(DELIVERY_TIME_SLOT_LABELS)).toEqual([
      '指定なし',
      '午前中',
      '14-16時',
      '16-18時',
      '18-20時',
      '19-21時',
    ]);
    expect(issuesOf(form({ delivery: { date: 'unspecified', timeSlot: '12-14' as 'morning' } }))).toEqual([
      { path: 'delivery.timeSlot', message: 'お届け時間帯を選択してください。' },
    ]);
  });

  it('C3: gift wrapping and noshi (type from a list, optional name up to 20 chars)', () => {
    expect(
      parseOrderProcedure(form({ gift: { wrapping: true, noshi: { type: '内祝', name: '山田' } } }), guest).ok,
    ).toBe(true);
    expect(issuesOf(form({ gift: { wrapping: true, noshi: { type: '祝い' as '内祝' } } }))).toHaveLength(1);
    expect(issuesOf(form({ gift: { wrapping: false, noshi: { type: '御礼', name: 'あ'.repeat(21) } } }))).toEqual([
      { path: 'gift.noshi.name', message: 'のしの名入れは20文字以内で入力してください。' },
    ]);
  });

  it('C3: the procedure saves without privacy consent but cannot be confirmed', () => {
    const result = parseOrderProcedure(form({ privacyPolicyConsent: false }), guest);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(canConfirm(result.value)).toEqual({
      ok: false,
      message: '個人情報保護方針に同意してください。同意いただくとご注文を確定できます。',
    });
    expect(canConfirm({ privacyPolicyConsent: true })).toEqual({ ok: true });
    expect(issuesOf({ ...form(), privacyPolicyConsent: 'yes' })).not.toEqual([]);
  });
});

describe('C4/C5: guests and members', () => {
  it('C4: a guest may register and choose the newsletter', () => {
    const result = parseOrderProcedure(form({ registerAsMember: true, newsletter: true }), guest);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatchObject({ registerAsMember: true, newsletter: true });
  });

  it('C5: guests cannot use points or a coupon, with a clear message', () => {
    expect(issuesOf(form({ pointsToUse: 100 }))).toEqual([
      { path: 'pointsToUse', message: 'ポイント・クーポンは会員ログイン後にご利用いただけます。' },
    ]);
    expect(issuesOf(form({ couponCode: 'WELCOME500' }))).toEqual([
      { path: 'couponCode', message: 'ポイント・クーポンは会員ログイン後にご利用いただけます。' },
    ]);
    expect(parseOrderProcedure(form({ pointsToUse: 0, couponCode: null }), guest).ok).toBe(true);
  });

  it('C5: members may use points and one coupon code', () => {
    const result = parseOrderProcedure(form({ pointsToUse: 300, couponCode: ' WELCOME500 ' }), member);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatchObject({ pointsToUse: 300, couponCode: 'WELCOME500' });
    expect(issuesOf(form({ couponCode: ['A', 'B'] as unknown as string }), member)).not.toEqual([]);
    expect(issuesOf(form({ pointsToUse: 1.5 }), member)).toEqual([
      { path: 'pointsToUse', message: 'ご利用ポイントは0以上の整数で指定してください。' },
    ]);
    expect(issuesOf(form({ pointsToUse: -1 }), member)).toEqual([
      { path: 'pointsToUse', message: 'ご利用ポイントは0以上の整数で指定してください。' },
    ]);
  });

  it('C4: a member cannot register again', () => {
    expect(issuesOf(form({ registerAsMember: true }), member)).toEqual([
      { path: 'registerAsMember', message: 'すでに会員登録済みです。' },
    ]);
  });
});

describe('C8: newsletter / mobile-mail fields on the order', () => {
  it('C8: a guest purchase without registration stores null for both, not false', () => {
    expect(orderPreferenceFields({ isMember: false, registerAsMember: false })).toEqual({
      newsletter: null,
      mobileMail: null,
    });
    expect(orderPreferenceFields({ isMember: false, registerAsMember: false, newsletter: true })).toEqual({
      newsletter: null,
      mobileMail: null,
    });
  });

  it('C8/C4: a registering guest stores the newsletter choice (unticked = false) and no mobile-mail preference', () => {
    expect(orderPreferenceFields({ isMember: false, registerAsMember: true, newsletter: true })).toEqual({
      newsletter: true,
      mobileMail: null,
    });
    expect(orderPreferenceFields({ isMember: false, registerAsMember: true })).toEqual({
      newsletter: false,
      mobileMail: null,
    });
  });

  it("C8: a member order carries the member's preferences", () => {
    expect(orderPreferenceFields({ isMember: true, member: { newsletter: false, mobileMail: true } })).toEqual({
      newsletter: false,
      mobileMail: true,
    });
  });
});

describe('C6: data from Amazon and shop-defined extra fields', () => {
  it('C6: the orderer is prefilled from the Amazon buyer and the chosen address', () => {
    const check = checkShippingAddress({
      name: '山田 花子',
      addressLine1: '北区梅田1-2-3',
      addressLine2: 'ABCマンション 202',
      city: '大阪市',
      stateOrRegion: '大阪府',
      postalCode: '530-0001',
      countryCode: 'JP',
      phoneNumber: '06-1234-5678',
    });
    expect(check.usable).toBe(true);
    if (!check.usable) return;
    const orderer = ordererFromAmazon(
      { name: '山田 花子', email: 'hanako@example.jp', phoneNumber: null },
      check.address,
    );
    expect(orderer).toEqual({
      name: '山田 花子',
      email: 'hanako@example.jp',
      phoneNumber: '0612345678',
      postalCode: '5300001',
      prefecture: '大阪府',
      address: '大阪市北区梅田1-2-3',
      building: 'ABCマンション 202',
    });
    expect(parseOrderProcedure(form({ orderer }), guest).ok).toBe(true);
    const repeated = ordererFromAmazon(
      { name: '', email: 'hanako@example.jp', phoneNumber: '090-1111-2222' },
      { ...check.address, addressLines: ['大阪市北区梅田1-2-3'] },
    );
    expect(repeated).toMatchObject({ name: '山田 花子', phoneNumber: '090-1111-2222', address: '大阪市北区梅田1-2-3' });
    expect(repeated).not.toHaveProperty('building');
  });

  it('C6: lists the required extra fields a member lacks', () => {
    const fields = [
      { key: 'birthday', label: '生年月日', required: true },
      { key: 'gender', label: '性別', required: false },
      { key: 'howDidYouHear', label: 'ご来店のきっかけ', required: true },
      { key: 'interests', label: '興味のあるカテゴリ', required: true },
      { key: 'age', label: '年齢', required: true },
    ];
    expect(missingExtraFields({ birthday: '　', interests: [], age: 0 }, fields).map((f) => f.key)).toEqual([
      'birthday',
      'howDidYouHear',
      'interests',
    ]);
    expect(
      missingExtraFields({ birthday: '1990-01-01', howDidYouHear: 'SNS', interests: ['tea'], age: 36 }, fields),
    ).toEqual([]);
    expect(missingExtraFields({}, [])).toEqual([]);
  });
});
