/**
 * Money in this service is Japanese yen: whole yen, tax-included. JPY has no minor unit, and
 * Amazon Pay sends amounts as strings (`{ amount: "1234", currencyCode: "JPY" }` in Amazon Pay's API reference).
 */
import { z } from 'zod';

/** A yen amount: a non-negative safe integer. A plain number alias so JSON and zod pass it through. */
export type Yen = number;

const CURRENCY_CODE = 'JPY';

export interface AmazonMoney {
  amount: string;
  currencyCode: typeof CURRENCY_CODE;
}

export function isYen(value: unknown): value is Yen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Asserts a yen amount; throws RangeError for fractions, negatives, NaN and unsafe integers. */
export function yen(value: number): Yen {
  if (!isYen(value)) throw new RangeError(`not a yen amount (a non-negative safe integer): ${String(value)}`);
  return value;
}

export const yenSchema = z.number().int().nonnegative();

/**
 * Amazon's amount strings. Amazon documents JPY amounts as whole numbers ("1234"); a zero
 * fraction ("1234.00") is tolerated because it is the same amount, any other fraction is refused
 * because yen cannot be split.
 */
const AMAZON_AMOUNT = /^(\d+)(?:\.0+)?$/;

export function parseAmazonAmount(amount: string): Yen {
  const match = AMAZON_AMOUNT.exec(amount);
  const digits = match?.[1];
  if (digits === undefined) throw new RangeError(`not a JPY amount string: ${JSON.stringify(amount)}`);
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new RangeError(`JPY amount too large: ${amount}`);
  return value;
}

export function toAmazonMoney(amount: Yen): AmazonMoney {
  return { amount: String(yen(amount)), currencyCode: CURRENCY_CODE };
}

/** Reads Amazon money; refuses any other currency rather than silently treating it as yen. */
export function fromAmazonMoney(money: { amount: string; currencyCode: string }): Yen {
  if (money.currencyCode !== CURRENCY_CODE) throw new RangeError(`expected JPY, got ${money.currencyCode}`);
  return parseAmazonAmount(money.amount);
}

/** Amazon money as it appears in API responses (unknown keys ignored), parsed to yen. */
export const amazonMoneySchema = z
  .object({
    amount: z
      .string()
      .refine((s) => AMAZON_AMOUNT.test(s) && Number.isSafeInteger(Number(AMAZON_AMOUNT.exec(s)?.[1])), {
        message: 'not a whole-yen amount string',
      }),
    currencyCode: z.literal(CURRENCY_CODE),
  })
  .transform((money) => parseAmazonAmount(money.amount));

/** `¥1,234` — the half-width yen sign and thousands separators, as Japanese shops print prices. */
export function formatYen(amount: Yen): string {
  return `¥${String(yen(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** Sum of yen amounts; refuses to overflow past safe integers instead of losing precision. */
export function sumYen(amounts: readonly Yen[]): Yen {
  let total = 0;
  for (const amount of amounts) total += yen(amount);
  return yen(total);
}
