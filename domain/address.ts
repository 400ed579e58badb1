/**
 * Amazon address book entries (C7) and the single shipping address of an Amazon Pay order (R3).
 * Only Japanese domestic delivery is possible, so an address is usable when a Japanese carrier can
 * deliver to it and reach the recipient by phone.
 */
import { z } from 'zod';
import { DomainRuleError } from './errors.js';
import { ADDRESS_UNUSABLE_MESSAGE } from './messages.js';
import { normalizePrefecture, type Prefecture } from './prefectures.js';
import { isBlank, normalizeNumericText } from './text.js';

const nullableText = z.string().nullish();

/** Amazon's address shape (checkout session `shippingAddress`, buyer addresses). Unknown keys are dropped. */
export const amazonAddressSchema = z.object({
  name: nullableText,
  addressLine1: nullableText,
  addressLine2: nullableText,
  addressLine3: nullableText,
  city: nullableText,
  county: nullableText,
  district: nullableText,
  stateOrRegion: nullableText,
  postalCode: nullableText,
  countryCode: nullableText,
  phoneNumber: nullableText,
});
export type AmazonAddress = z.infer<typeof amazonAddressSchema>;

// ---- Phone numbers ----------------------------------------------------------------------------

type PhoneNumberProblem = 'missing' | 'invalid_characters' | 'too_few_digits' | 'too_many_digits' | 'not_domestic';

export type PhoneNumberAnalysis = { ok: true; digits: string } | { ok: false; problem: PhoneNumberProblem };

/** Separators people type inside phone numbers: spaces, hyphens, parentheses, dots. */
const PHONE_SEPARATORS = /[\s\-().]/g;

/**
 * A Japanese phone number as domestic digits: 0 + 9 or 10 digits (fixed lines have 10 digits,
 * mobile/IP/0800 numbers 11, see `expectedPhoneDigits`). Accepts full-width digits, hyphens, parentheses and spaces, and the
 * +81 country code (the trunk 0 is restored, and a written "(0)" after +81 is kept only once).
 * C7: "too few digits" is the manual's own example of an unusable address.
 */
export function analyzeJapanesePhoneNumber(raw: string | null | undefined): PhoneNumberAnalysis {
  if (isBlank(raw)) return { ok: false, problem: 'missing' };
  let text = normalizeNumericText(raw ?? '').replace(PHONE_SEPARATORS, '');
  if (text.startsWith('+')) {
    if (!text.startsWith('+81')) return { ok: false, problem: 'not_domestic' };
    text = text.slice(3);
    if (!text.startsWith('0')) text = `0${text}`;
  }
  if (!/^\d+$/.test(text)) return { ok: false, problem: 'invalid_characters' };
  if (text.length < 10) return { ok: false, problem: 'too_few_digits' };
  if (text.length > 11) return { ok: false, problem: 'too_many_digits' };
  // Domestic numbers start with the trunk prefix 0; "00…" is an international call prefix.
  if (!text.startsWith('0') || text.startsWith('00')) return { ok: false, problem: 'not_domestic' };
  const expected = expectedPhoneDigits(text);
  if (text.length < expected) return { ok: false, problem: 'too_few_digits' };
  if (text.length > expected) return { ok: false, problem: 'too_many_digits' };
  return { ok: true, digits: text };
}

/**
 * Mobile, PHS/IoT, IP phone (0X0: 020, 050, 060, 070, 080, 090) and 0800 numbers have 11 digits;
 * fixed lines and the other special numbers (0120, 0570, …) have 10. So 090-1234-567 is a mobile
 * number one digit short, the manual's own C7 example, not a valid fixed line.
 */
function expectedPhoneDigits(digits: string): number {
  return /^0[2-9]0/.test(digits) || digits.startsWith('0800') ? 11 : 10;
}

/**
 * The canonical written forms the API document states for phone numbers and postal codes: every
 * string matching them is accepted (and more is: full-width digits, separators, +81, a 〒 mark).
 */
export const PHONE_NUMBER_PATTERN = '^(?:0[2-9]0[0-9]{8}|0800[0-9]{7}|01[0-9]{8}|0[2-9][1-9][0-9]{7})$';
export const POSTAL_CODE_PATTERN = '^[0-9]{3}-?[0-9]{4}$';

/** The domestic digits of a Japanese phone number (e.g. "0312345678"), or undefined if unusable. */
export function normalizeJapanesePhoneNumber(raw: string | null | undefined): string | undefined {
  const analysis = analyzeJapanesePhoneNumber(raw);
  return analysis.ok ? analysis.digits : undefined;
}

// ---- Postal codes -----------------------------------------------------------------------------

/** Japanese postal code as 7 digits ("1234567"); accepts "123-4567", full-width digits, a 〒 mark. */
export function normalizePostalCode(raw: string | null | undefined): string | undefined {
  const text = normalizeNumericText(raw ?? '')
    .replace(/^〒/, '')
    .replace(/\s/g, '');
  const match = /^(\d{3})-?(\d{4})$/.exec(text);
  return match ? `${match[1] ?? ''}${match[2] ?? ''}` : undefined;
}

/** "123-4567", the way postal codes are printed on labels and in e-mails. */
export function formatPostalCode(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3)}`;
}

// ---- C7: usability --------------------------------------------------------------------------

type AddressProblem =
  | 'country_not_jp'
  | 'prefecture_missing'
  | 'prefecture_unknown'
  | 'postal_code_invalid'
  | `phone_${PhoneNumberProblem}`
  | 'address_line_missing'
  | 'name_missing';

export interface UsableShippingAddress {
  name: string;
  postalCode: string;
  prefecture: Prefecture;
  city: string;
  /** addressLine1..3 that are not blank, in order. */
  addressLines: string[];
  /** Domestic digits, e.g. "09012345678". */
  phoneNumber: string;
}

export type ShippingAddressCheck =
  | { usable: true; address: UsableShippingAddress }
  | { usable: false; reasons: AddressProblem[]; message: typeof ADDRESS_UNUSABLE_MESSAGE };

/**
 * C7: whether an Amazon address can be shipped to. Every problem is reported (for logs and ops);
 * the buyer sees only the one message of docs/rules.md C7 and picks another address.
 * A missing recipient name is also unusable: a parcel needs an addressee.
 */
export function checkShippingAddress(address: AmazonAddress): ShippingAddressCheck {
  const reasons: AddressProblem[] = [];

  const country = (address.countryCode ?? '').trim().toUpperCase();
  if (country !== 'JP') reasons.push('country_not_jp');

  const prefecture = normalizePrefecture(address.stateOrRegion);
  if (isBlank(address.stateOrRegion)) reasons.push('prefecture_missing');
  else if (prefecture === undefined) reasons.push('prefecture_unknown');

  const postalCode = normalizePostalCode(address.postalCode);
  if (postalCode === undefined) reasons.push('postal_code_invalid');

  const phone = analyzeJapanesePhoneNumber(address.phoneNumber);
  if (!phone.ok) reasons.push(`phone_${phone.problem}`);

  const addressLines = [address.addressLine1, address.addressLine2, address.addressLine3]
    .filter((line): line is string => !isBlank(line))
    .map((line) => line.trim());
  if (addressLines.length === 0) reasons.push('address_line_missing');

  if (isBlank(address.name)) reasons.push('name_missing');

  if (reasons.length > 0 || prefecture === undefined || postalCode === undefined || !phone.ok) {
    return { usable: false, reasons, message: ADDRESS_UNUSABLE_MESSAGE };
  }
  return {
    usable: true,
    address: {
      name: (address.name ?? '').trim(),
      postalCode,
      prefecture,
      city: (address.city ?? '').trim(),
      addressLines,
      phoneNumber: phone.digits,
    },
  };
}

// ---- R3: exactly one destination -------------------------------------------------------------

export type ShippingAddressCount<T> =
  { ok: true; address: T } | { ok: false; reason: 'none' | 'multiple'; count: number };

/** R3: the Amazon Pay checkout ships to exactly one address (no multiple destinations). */
export function checkSingleShippingAddress<T>(list: readonly T[] | null | undefined): ShippingAddressCount<T> {
  const items = list ?? [];
  const [first] = items;
  if (items.length === 1 && first !== undefined) return { ok: true, address: first };
  return { ok: false, reason: items.length === 0 ? 'none' : 'multiple', count: items.length };
}

/** R3 as an assertion, for code paths where anything but one address is a broken invariant. */
export function assertSingleShippingAddress<T>(list: readonly T[] | null | undefined): T {
  const check = checkSingleShippingAddress(list);
  if (!check.ok) {
    throw new DomainRuleError(
      'R3',
      `shipping_address_${check.reason}`,
      `an Amazon Pay order ships to exactly one address, got ${check.count}`,
    );
  }
  return check.address;
}
