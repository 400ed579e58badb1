/**
 * How an Amazon Pay order was paid, read from `paymentPreferences[0].paymentDescriptor`.
 * Amazon does not publish how a gift-card-only payment shows in the API (docs/rules.md, M1), so this
 * one function is the only place that reads the descriptor. It drives A3 (no increase for
 * gift-card-only orders), M1 (the shop memo text) and M2 (card brand and last digits in the memo).
 */
import { SHOP_MEMO_CARD_ONLY, SHOP_MEMO_GIFT_CARD_AND_CARD, SHOP_MEMO_GIFT_CARD_ONLY } from './messages.js';

export type PaymentMethodKind = 'gift_card' | 'gift_card_and_card' | 'card';

export interface PaymentMethodClassification {
  kind: PaymentMethodKind;
  /** Canonical brand name when recognizable (M2); absent for gift-card-only and unknown cards. */
  cardBrand?: string;
  /** The four digits Amazon shows after the mask (M2). */
  cardLast4?: string;
}

/** Current wording (ギフトカード), older wording (ギフト券), and the English site's wording. */
const GIFT_CARD = /^amazon\s*(?:ギフトカード|ギフト券|gift\s*cards?)$/i;
/** "Visa ****1234": a brand, an optional mask, then exactly four digits at the end. */
const MASKED_CARD = /^(.*?)[\s*•●]*(?<!\d)(\d{4})$/;

const BRAND_ALIASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^visa$/i, 'Visa'],
  [/^master\s*card$/i, 'Mastercard'],
  [/^jcb$/i, 'JCB'],
  [/^(?:american\s*express|amex)$/i, 'American Express'],
  [/^diners(?:\s*club(?:\s*international)?)?$/i, 'Diners Club'],
  [/^discover$/i, 'Discover'],
];

/** A brand we do not know is still shown to ops, but only if it looks like a name (memo safety). */
const PLAUSIBLE_BRAND = /^[\p{L}][\p{L}\p{N} .&'-]{0,29}$/u;

/**
 * Missing, null or empty descriptors classify as `card` with no brand/digits: Amazon returns no
 * descriptor only when it has not told us the instrument, and a gift-card-only payment is the one
 * case Amazon itself labels. Treating the unknown as `card` keeps the M1 memo generic
 * (「Amazonアカウントで指定したお支払い方法」 names no instrument) and never blocks a legitimate
 * increase; Amazon still declines an increase a gift card cannot cover.
 */
export function classifyPaymentDescriptor(descriptor: string | null | undefined): PaymentMethodClassification {
  // NFKC only: full-width letters and ＋ become ASCII, while ー in ギフトカード stays a long-vowel mark.
  const text = (descriptor ?? '').normalize('NFKC').trim();
  if (text === '') return { kind: 'card' };

  const parts = text
    .split('+')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const giftCardParts = parts.filter((part) => GIFT_CARD.test(part));
  const cardParts = parts.filter((part) => !GIFT_CARD.test(part));
  const card = cardParts.length > 0 ? readCard(cardParts.join(' ')) : {};

  if (giftCardParts.length === 0) return { kind: 'card', ...card };
  if (cardParts.length === 0) return { kind: 'gift_card' };
  return { kind: 'gift_card_and_card', ...card };
}

function readCard(text: string): Pick<PaymentMethodClassification, 'cardBrand' | 'cardLast4'> {
  const masked = MASKED_CARD.exec(text);
  if (masked) {
    const brand = canonicalBrand(masked[1] ?? '');
    const cardLast4 = masked[2] ?? '';
    return brand === undefined ? { cardLast4 } : { cardBrand: brand, cardLast4 };
  }
  const brand = canonicalBrand(text);
  return brand === undefined ? {} : { cardBrand: brand };
}

function canonicalBrand(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  for (const [pattern, name] of BRAND_ALIASES) if (pattern.test(text)) return name;
  return PLAUSIBLE_BRAND.test(text) ? text : undefined;
}

/**
 * M1 text for the shop memo, with M2's card details appended when known.
 * Format (M2): the M1 text unchanged as the prefix, then the card in full-width parentheses,
 * brand and masked last four as Amazon shows them: 「Amazonアカウントで指定したお支払い方法（Visa ****1234）」.
 * Brand only → 「…（Visa）」, digits only → 「…（****1234）」. Gift-card-only orders have no card.
 */
export function shopMemoLine(classification: PaymentMethodClassification): string {
  const prefix = memoPrefix(classification.kind);
  if (classification.kind === 'gift_card') return prefix;
  const details = [
    classification.cardBrand,
    classification.cardLast4 === undefined ? undefined : `****${classification.cardLast4}`,
  ]
    .filter((part): part is string => part !== undefined && part !== '')
    .join(' ');
  return details === '' ? prefix : `${prefix}（${details}）`;
}

function memoPrefix(kind: PaymentMethodKind): string {
  switch (kind) {
    case 'gift_card':
      return SHOP_MEMO_GIFT_CARD_ONLY;
    case 'gift_card_and_card':
      return SHOP_MEMO_GIFT_CARD_AND_CARD;
    case 'card':
      return SHOP_MEMO_CARD_ONLY;
  }
}
