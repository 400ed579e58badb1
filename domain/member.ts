/**
 * Shop members (L1–L8, C4, C6, C8): what a member record holds and the messages members see.
 * Preferences are tri-state on purpose: `null` means "never asked" (C8), which is not `false`.
 */
import { z } from 'zod';
import {
  normalizeJapanesePhoneNumber,
  normalizePostalCode,
  PHONE_NUMBER_PATTERN,
  POSTAL_CODE_PATTERN,
} from './address.js';
import { MEMBER_FORM_MESSAGES, passwordTooLongMessage, passwordTooShortMessage } from './messages.js';
import { normalizePrefecture, PREFECTURES } from './prefectures.js';

const PASSWORD_MIN_LENGTH = 8;
const PASSWORD_MAX_LENGTH = 128;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, passwordTooShortMessage(PASSWORD_MIN_LENGTH))
  .max(PASSWORD_MAX_LENGTH, passwordTooLongMessage(PASSWORD_MAX_LENGTH));

/**
 * The one form of a member's e-mail address: trimmed and lower-cased. Members are unique by it and
 * looked up by it, so every write and every lookup goes through this (the member model applies it
 * to each write; the member repository to each lookup).
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * What `z.email()` accepts, as a JSON Schema pattern, for the API document (not `format: email`: that
 * is RFC 5321's rule, which refuses addresses zod takes, such as a local part over 64 characters).
 */
const EMAIL_WIRE_FORMAT = { pattern: (z.toJSONSchema(z.email()) as { pattern: string }).pattern };

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email(MEMBER_FORM_MESSAGES.emailInvalid))
  .transform(normalizeEmail)
  // The API document states the address's rule (the input side of a pipe would show a bare string).
  .meta({ ...EMAIL_WIRE_FORMAT, examples: ['taro.yamada@example.jp'] });

const postalCodeSchema = z
  .string()
  .transform((value, ctx) => {
    const digits = normalizePostalCode(value);
    if (digits === undefined) {
      ctx.addIssue({ code: 'custom', message: MEMBER_FORM_MESSAGES.postalCodeInvalid });
      return z.NEVER;
    }
    return digits;
  })
  .meta({ pattern: POSTAL_CODE_PATTERN, examples: ['150-0041'] });

const phoneSchema = z
  .string()
  .transform((value, ctx) => {
    const digits = normalizeJapanesePhoneNumber(value);
    if (digits === undefined) {
      ctx.addIssue({ code: 'custom', message: MEMBER_FORM_MESSAGES.phoneInvalid });
      return z.NEVER;
    }
    return digits;
  })
  .meta({ pattern: PHONE_NUMBER_PATTERN, examples: ['0312345678'] });

const prefectureSchema = z
  .string()
  .transform((value, ctx) => {
    const prefecture = normalizePrefecture(value);
    if (prefecture === undefined) {
      ctx.addIssue({ code: 'custom', message: MEMBER_FORM_MESSAGES.prefectureInvalid });
      return z.NEVER;
    }
    return prefecture;
  })
  .meta({ enum: [...PREFECTURES] });

/** The contact part of a member (C6: the part Amazon can supply). */
export const memberContactSchema = z.strictObject({
  name: z.string().trim().min(1, MEMBER_FORM_MESSAGES.nameRequired).max(100),
  postalCode: postalCodeSchema,
  prefecture: prefectureSchema,
  address: z.string().trim().min(1, MEMBER_FORM_MESSAGES.addressRequired).max(200),
  phone: phoneSchema,
});

const extraFieldKey = z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/);

/** One of the shop's extra member fields (configuration, C6). */
export const extraFieldDefinitionSchema = z.strictObject({
  key: extraFieldKey,
  label: z.string().min(1).max(40),
  required: z.boolean(),
});
export type ExtraFieldDefinition = z.infer<typeof extraFieldDefinitionSchema>;

export const extraValuesSchema = z.record(extraFieldKey, z.string().trim().max(200));

/** Registration through the shop's own form: contact data, password, preferences, extra fields. */
export const memberRegistrationSchema = memberContactSchema.extend({
  email: emailSchema,
  password: passwordSchema,
  newsletter: z.boolean(),
  mobileMail: z.boolean().nullable().default(null),
  extra: extraValuesSchema.default({}),
});

export const loginSchema = z.strictObject({ email: emailSchema, password: z.string().min(1).max(128) });
