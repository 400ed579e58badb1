/**
 * Small text normalizers for Japanese buyer data. Amazon hands over what buyers typed into their
 * address book (docs/architecture.md): full-width digits, assorted dashes, spaces.
 */

/** Every dash a Japanese keyboard or IME produces where an ASCII hyphen was meant. */
const DASH_LIKE = /[\u2010-\u2015\u2212\u2043\u30FC\uFE63\uFF0D\uFF70]/g;

/**
 * Full-width letters/digits/symbols → ASCII (NFKC), dash look-alikes → '-'. For numeric fields
 * only (phone numbers, postal codes): it also turns the long-vowel mark ー into '-', which would
 * corrupt ordinary Japanese words (ギフトカード).
 */
export function normalizeNumericText(value: string): string {
  return value.normalize('NFKC').replace(DASH_LIKE, '-');
}

/** True for null, undefined, or a string of only whitespace (including the ideographic space). */
export function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.normalize('NFKC').trim() === '';
}
