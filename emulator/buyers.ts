/** The emulator's test buyers: Japanese addresses in the shapes Amazon Pay JP returns. */
export interface Address {
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  addressLine3: string | null;
  city: string | null;
  county: string | null;
  district: string | null;
  stateOrRegion: string;
  postalCode: string;
  countryCode: string;
  phoneNumber: string;
}

interface Card {
  brand: string;
  last4: string;
  /** Sandbox test instruments: how an authorization on this card behaves. */
  behavior: AuthorizationBehavior;
}

/**
 * `normal`: authorized at once. `pending_then_authorized` / `pending_then_declined`: Amazon's
 * sandbox test instruments — with `canHandlePendingAuthorization: true` the authorization stays
 * `AuthorizationInitiated` for the pending delay, then becomes Authorized or Declined/HardDeclined.
 */
export type AuthorizationBehavior = 'normal' | 'pending_then_authorized' | 'pending_then_declined';

export interface TestBuyer {
  key: string;
  name: string;
  email: string;
  phoneNumber: string;
  addresses: Address[];
  cards: Card[];
  note: string;
}

const jp = (
  a: Omit<Address, 'countryCode' | 'county' | 'district'> & Partial<Pick<Address, 'county' | 'district'>>,
): Address => ({
  county: null,
  district: null,
  countryCode: 'JP',
  ...a,
});

export const TEST_BUYERS: readonly TestBuyer[] = [
  {
    key: 'taro',
    name: '山田 太郎',
    email: 'taro.yamada@example.jp',
    phoneNumber: '090-1234-5678',
    note: '通常の購入者(住所3件、カード2枚)',
    addresses: [
      jp({
        name: '山田 太郎',
        addressLine1: '神南1-2-3',
        addressLine2: 'サンプルマンション101',
        addressLine3: null,
        city: '渋谷区',
        stateOrRegion: '東京都',
        postalCode: '150-0041',
        phoneNumber: '090-1234-5678',
      }),
      jp({
        name: '山田 太郎',
        addressLine1: '大阪市北区梅田3-1-1',
        addressLine2: '山田商事 4F',
        addressLine3: null,
        city: '',
        stateOrRegion: '大阪府',
        postalCode: '530-0001',
        phoneNumber: '06-6123-4567',
      }),
      jp({
        name: '山田 花子',
        addressLine1: '札幌市中央区北1条西2丁目',
        addressLine2: null,
        addressLine3: null,
        city: '札幌市',
        stateOrRegion: '北海道',
        postalCode: '0600001',
        phoneNumber: '+81 11-222-3333',
      }),
    ],
    cards: [
      { brand: 'Visa', last4: '1234', behavior: 'normal' },
      { brand: 'Mastercard', last4: '5678', behavior: 'normal' },
    ],
  },
  {
    key: 'hanako',
    name: '佐藤 花子',
    email: 'hanako.sato@example.jp',
    phoneNumber: '03-123',
    note: '電話番号の桁数が足りない住所(03-123)',
    addresses: [
      jp({
        name: '佐藤 花子',
        addressLine1: '横浜市西区みなとみらい2-2-1',
        addressLine2: null,
        addressLine3: null,
        city: '横浜市',
        stateOrRegion: '神奈川県',
        postalCode: '220-0012',
        phoneNumber: '03-123',
      }),
    ],
    cards: [{ brand: 'JCB', last4: '3333', behavior: 'normal' }],
  },
  {
    key: 'john',
    name: 'John Smith',
    email: 'john.smith@example.com',
    phoneNumber: '+1 206-555-0100',
    note: '日本国外の住所(US)',
    addresses: [
      {
        name: 'John Smith',
        addressLine1: '410 Terry Ave N',
        addressLine2: null,
        addressLine3: null,
        city: 'Seattle',
        county: null,
        district: null,
        stateOrRegion: 'WA',
        postalCode: '98109',
        countryCode: 'US',
        phoneNumber: '+1 206-555-0100',
      },
    ],
    cards: [{ brand: 'American Express', last4: '0005', behavior: 'normal' }],
  },
  {
    key: 'jiro',
    name: '鈴木 次郎',
    email: 'jiro.suzuki@example.jp',
    phoneNumber: '０８０－１１１１－２２２２',
    note: '全角の電話番号、住所2件、保留テスト用カード',
    addresses: [
      jp({
        name: '鈴木 次郎',
        addressLine1: '中区栄3-4-5',
        addressLine2: 'スズキビル 2階',
        addressLine3: '受付気付',
        city: '名古屋市',
        stateOrRegion: '愛知県',
        postalCode: '460-0008',
        phoneNumber: '０８０－１１１１－２２２２',
      }),
      jp({
        name: '鈴木 次郎',
        addressLine1: '博多区博多駅前1-1-1',
        addressLine2: null,
        addressLine3: null,
        city: '福岡市',
        stateOrRegion: '福岡県',
        postalCode: '812-0011',
        phoneNumber: '092-111-2222',
      }),
    ],
    cards: [
      { brand: 'Visa', last4: '4111', behavior: 'normal' },
      { brand: 'Visa', last4: '0077', behavior: 'pending_then_authorized' },
      { brand: 'Mastercard', last4: '0088', behavior: 'pending_then_declined' },
    ],
  },
];

export function findBuyer(key: string): TestBuyer | undefined {
  return TEST_BUYERS.find((b) => b.key === key);
}

export type InstrumentKind = 'gift_card' | 'gift_card_and_card' | 'card';

export interface Instrument {
  kind: InstrumentKind;
  card: Card | null;
}

/** What `paymentPreferences[0].paymentDescriptor` says (the project's contract with this emulator). */
export function paymentDescriptor(instrument: Instrument): string {
  const card = instrument.card === null ? '' : `${instrument.card.brand} ****${instrument.card.last4}`;
  switch (instrument.kind) {
    case 'gift_card':
      return 'Amazonギフトカード';
    case 'gift_card_and_card':
      return `Amazonギフトカード + ${card}`;
    case 'card':
      return card;
  }
}

export function authorizationBehavior(instrument: Instrument): AuthorizationBehavior {
  return instrument.card?.behavior ?? 'normal';
}
