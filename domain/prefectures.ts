/** The 47 Japanese prefectures (都道府県), in JIS X 0401 order. Amazon puts one in `stateOrRegion`. */
export const PREFECTURES = [
  '北海道',
  '青森県',
  '岩手県',
  '宮城県',
  '秋田県',
  '山形県',
  '福島県',
  '茨城県',
  '栃木県',
  '群馬県',
  '埼玉県',
  '千葉県',
  '東京都',
  '神奈川県',
  '新潟県',
  '富山県',
  '石川県',
  '福井県',
  '山梨県',
  '長野県',
  '岐阜県',
  '静岡県',
  '愛知県',
  '三重県',
  '滋賀県',
  '京都府',
  '大阪府',
  '兵庫県',
  '奈良県',
  '和歌山県',
  '鳥取県',
  '島根県',
  '岡山県',
  '広島県',
  '山口県',
  '徳島県',
  '香川県',
  '愛媛県',
  '高知県',
  '福岡県',
  '佐賀県',
  '長崎県',
  '熊本県',
  '大分県',
  '宮崎県',
  '鹿児島県',
  '沖縄県',
] as const;

export type Prefecture = (typeof PREFECTURES)[number];

const BY_SHORT_NAME = new Map<string, Prefecture>(
  PREFECTURES.map((name) => [name === '北海道' ? name : name.replace(/[都府県]$/, ''), name]),
);

/**
 * The canonical prefecture name, or undefined. Buyers' address books sometimes drop the suffix
 * (「東京」 for 東京都), so the short form is accepted too; anything else is not a prefecture.
 */
export function normalizePrefecture(value: string | null | undefined): Prefecture | undefined {
  const text = (value ?? '').normalize('NFKC').trim();
  if (text === '') return undefined;
  return (PREFECTURES as readonly string[]).includes(text) ? (text as Prefecture) : BY_SHORT_NAME.get(text);
}
