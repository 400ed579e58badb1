/**
 * The Amazon Pay order-procedure form (ご注文手続き, C3–C6, C8): what the buyer may set between
 * returning from Amazon and pressing 「注文確定」. Objects are strict: an unknown key is an error,
 * not silently dropped, so a storefront typo cannot lose a buyer's choice.
 */
import { z } from 'zod';
import type { ExtraFieldDefinition } from './member.js';
import type { UsableShippingAddress } from './address.js';
import {
  analyzeJapanesePhoneNumber,
  normalizePostalCode,
  PHONE_NUMBER_PATTERN,
  POSTAL_CODE_PATTERN,
} from './address.js';
import { addDays, daysBetween, isIsoDate } from './calendar.js';
import {
  ALREADY_MEMBER_MESSAGE,
  type DELIVERY_TIME_SLOT_LABELS,
  GUEST_POINTS_COUPON_MESSAGE,
  JAPANESE_PARSE_ERRORS,
  ORDER_FORM_MESSAGES,
  POINTS_NOT_WHOLE_NUMBER_MESSAGE,
  PRIVACY_POLICY_CONSENT_REQUIRED_MESSAGE,
  deliveryDateOutOfWindowMessage,
} from './messages.js';
import { normalizePrefecture, PREFECTURES, type Prefecture } from './prefectures.js';

// ---- Delivery settings (C3) -------------------------------------------------------------------

/**
 * The carrier time slots the shop offers (the usual Japanese home-delivery slots); each has its label
 * in `DELIVERY_TIME_SLOT_LABELS` (domain/messages.ts), or the typecheck fails.
 */
export const DELIVERY_TIME_SLOTS = [
  'unspecified',
  'morning',
  '14-16',
  '16-18',
  '18-20',
  '19-21',
] as const satisfies readonly (keyof typeof DELIVERY_TIME_SLOT_LABELS)[];

/**
 * Which delivery dates may be requested, in days after today (JST): from 3 days ahead (time to pick,
 * pack and hand over) up to 30 days ahead (the authorization must still be valid at shipment —
 * it expires 30 days after it was made, A1).
 */
export interface DeliveryDateWindow {
  earliestDaysAhead: number;
  latestDaysAhead: number;
}
const DEFAULT_DELIVERY_DATE_WINDOW: Readonly<DeliveryDateWindow> = Object.freeze({
  earliestDaysAhead: 3,
  latestDaysAhead: 30,
});

const DELIVERY_DATE_UNSPECIFIED = 'unspecified';

const deliverySchema = z.strictObject({
  /** `YYYY-MM-DD` (JST) or "unspecified" (最短でお届け). */
  date: z.union([
    z.literal(DELIVERY_DATE_UNSPECIFIED),
    z.string().refine(isIsoDate, { message: ORDER_FORM_MESSAGES.deliveryDateInvalid }),
  ]),
  timeSlot: z.enum(DELIVERY_TIME_SLOTS, { message: ORDER_FORM_MESSAGES.timeSlotRequired }),
});

/** The allowed delivery dates for a given JST `today`, both ends inclusive. */
export function deliveryDateRange(
  today: string,
  window: DeliveryDateWindow = DEFAULT_DELIVERY_DATE_WINDOW,
): { earliest: string; latest: string } {
  return { earliest: addDays(today, window.earliestDaysAhead), latest: addDays(today, window.latestDaysAhead) };
}

export function isDeliveryDateAllowed(
  date: string,
  today: string,
  window: DeliveryDateWindow = DEFAULT_DELIVERY_DATE_WINDOW,
): boolean {
  if (date === DELIVERY_DATE_UNSPECIFIED) return true;
  if (!isIsoDate(date)) return false;
  const ahead = daysBetween(today, date);
  return ahead >= window.earliestDaysAhead && ahead <= window.latestDaysAhead;
}

// ---- Gift wrapping / noshi (C3) ---------------------------------------------------------------

export const NOSHI_TYPES = ['御祝', '内祝', '御礼', '御中元', '御歳暮', '御年賀', '志', '無地'] as const;

const giftSchema = z.strictObject({
  wrapping: z.boolean(),
  noshi: z
    .strictObject({
      type: z.enum(NOSHI_TYPES, { message: ORDER_FORM_MESSAGES.noshiTypeRequired }),
      /** The name written under the inscription (名入れ); optional. */
      name: z.string().trim().max(20, { message: ORDER_FORM_MESSAGES.noshiNameTooLong }).optional(),
    })
    .nullable(),
});

// ---- Orderer (C3, C6) -------------------------------------------------------------------------

/**
 * C6: prefilled from Amazon (name, e-mail, postal code, prefecture, address, phone); the buyer may
 * correct them here. Furigana is optional because Amazon never supplies it.
 */
export const ordererSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, { message: ORDER_FORM_MESSAGES.nameRequired })
    .max(60, { message: ORDER_FORM_MESSAGES.nameTooLong }),
  furigana: z
    .string()
    .trim()
    .max(60)
    .regex(/^[\p{Script=Katakana}\p{Script=Hiragana}ー\s]*$/u, { message: ORDER_FORM_MESSAGES.furiganaNotKana })
    // The API document's form of the rule (script properties are not portable regex): the kana blocks.
    .meta({ pattern: '^[\\u3041-\\u309F\\u30A0-\\u30FF\\s]*$' })
    .optional(),
  email: z.email({ message: ORDER_FORM_MESSAGES.emailInvalid }),
  phoneNumber: z
    .string()
    .refine((raw) => analyzeJapanesePhoneNumber(raw).ok, {
      message: ORDER_FORM_MESSAGES.phoneInvalid,
    })
    .transform((raw) => {
      const analysis = analyzeJapanesePhoneNumber(raw);
      return analysis.ok ? analysis.digits : raw;
    })
    .meta({ pattern: PHONE_NUMBER_PATTERN }),
  postalCode: z
    .string()
    .refine((raw) => normalizePostalCode(raw) !== undefined, { message: ORDER_FORM_MESSAGES.postalCodeInvalid })
    .transform((raw) => normalizePostalCode(raw) ?? raw)
    .meta({ pattern: POSTAL_CODE_PATTERN }),
  prefecture: z
    .string()
    .refine((raw) => normalizePrefecture(raw) !== undefined, { message: ORDER_FORM_MESSAGES.prefectureRequired })
    .transform((raw) => normalizePrefecture(raw) as Prefecture)
    .meta({ enum: [...PREFECTURES] }),
  /** Municipality and street (市区町村・番地). */
  address: z.string().trim().min(1, { message: ORDER_FORM_MESSAGES.addressRequired }).max(200),
  /** Building and room (建物名・部屋番号). */
  building: z.string().trim().max(100).optional(),
});
export type OrdererInput = z.input<typeof ordererSchema>;

/** C6: the orderer prefilled from the Amazon buyer and the chosen (usable) address. */
export function ordererFromAmazon(
  buyer: { name: string; email: string; phoneNumber?: string | null },
  address: UsableShippingAddress,
): OrdererInput {
  const [street, ...rest] = address.addressLines;
  return {
    name: buyer.name.trim() === '' ? address.name : buyer.name.trim(),
    email: buyer.email,
    phoneNumber:
      buyer.phoneNumber && analyzeJapanesePhoneNumber(buyer.phoneNumber).ok ? buyer.phoneNumber : address.phoneNumber,
    postalCode: address.postalCode,
    prefecture: address.prefecture,
    // Amazon JP addresses often repeat the city inside addressLine1; never write it twice.
    address:
      street !== undefined && address.city !== '' && street.startsWith(address.city)
        ? street
        : `${address.city}${street ?? ''}`,
    ...(rest.length > 0 ? { building: rest.join(' ') } : {}),
  };
}

// ---- The whole form ---------------------------------------------------------------------------

const baseOrderProcedureSchema = z.strictObject({
  orderer: ordererSchema,
  delivery: deliverySchema,
  gift: giftSchema,
  /** C3: required to confirm, but the procedure can be saved before the box is ticked. */
  privacyPolicyConsent: z.boolean(),
  /** C4 (guests): register as a member with this purchase. */
  registerAsMember: z.boolean().optional(),
  /** C4 (guests registering): subscribe to the newsletter. Ignored unless registering (C8). */
  newsletter: z.boolean().optional(),
  /** C5 (members): points to use, 1 point = ¥1. */
  pointsToUse: z
    .number()
    .int({ message: POINTS_NOT_WHOLE_NUMBER_MESSAGE })
    .nonnegative({ message: POINTS_NOT_WHOLE_NUMBER_MESSAGE })
    .optional(),
  /** C5 (members): one coupon per order. */
  couponCode: z.string().trim().min(1).max(40).nullable().optional(),
});
export type OrderProcedure = z.output<typeof baseOrderProcedureSchema>;
export type OrderProcedureInput = z.input<typeof baseOrderProcedureSchema>;

export interface OrderProcedureContext {
  /** Logged-in member (true) or guest (false). */
  isMember: boolean;
  /** Today's date in JST, `YYYY-MM-DD` (see `tokyoDate`). */
  today: string;
  deliveryWindow?: DeliveryDateWindow;
}

/**
 * The form schema for one shopper on one day. Guests offering points or a coupon, and members
 * asking to register again, are refused with a message rather than ignored (C5). A guest's
 * `pointsToUse: 0` and `couponCode: null` are accepted: they are a storefront's empty defaults.
 */
export function orderProcedureSchema(context: OrderProcedureContext) {
  const window = context.deliveryWindow ?? DEFAULT_DELIVERY_DATE_WINDOW;
  return baseOrderProcedureSchema.superRefine((form, ctx) => {
    if (!isDeliveryDateAllowed(form.delivery.date, context.today, window)) {
      const { earliest, latest } = deliveryDateRange(context.today, window);
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', 'date'],
        message: deliveryDateOutOfWindowMessage(earliest, latest),
      });
    }
    if (!context.isMember) {
      if (form.pointsToUse !== undefined && form.pointsToUse > 0) {
        ctx.addIssue({ code: 'custom', path: ['pointsToUse'], message: GUEST_POINTS_COUPON_MESSAGE });
      }
      if (form.couponCode !== undefined && form.couponCode !== null) {
        ctx.addIssue({ code: 'custom', path: ['couponCode'], message: GUEST_POINTS_COUPON_MESSAGE });
      }
    } else if (form.registerAsMember === true) {
      ctx.addIssue({ code: 'custom', path: ['registerAsMember'], message: ALREADY_MEMBER_MESSAGE });
    }
  });
}

export type OrderProcedureParse =
  { ok: true; value: OrderProcedure } | { ok: false; issues: { path: string; message: string }[] };

/** Parses the form and flattens zod's issues to `{ path: "orderer.phoneNumber", message }`. */
export function parseOrderProcedure(input: unknown, context: OrderProcedureContext): OrderProcedureParse {
  const result = orderProcedureSchema(context).safeParse(input, JAPANESE_PARSE_ERRORS);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
}

/** C3: 「注文確定」 needs the privacy-policy consent; everything else was checked when parsing. */
export function canConfirm(
  procedure: Pick<OrderProcedure, 'privacyPolicyConsent'>,
): { ok: true } | { ok: false; message: string } {
  return procedure.privacyPolicyConsent === true
    ? { ok: true }
    : { ok: false, message: PRIVACY_POLICY_CONSENT_REQUIRED_MESSAGE };
}

// ---- C8: newsletter / mobile-mail preferences stored on the order ----------------------------

export interface OrderPreferenceFields {
  /** null = not registered (shown blank on the order and in e-mails), never false by default. */
  newsletter: boolean | null;
  mobileMail: boolean | null;
}

export type OrderPreferenceInput =
  | { isMember: true; member: OrderPreferenceFields }
  | { isMember: false; registerAsMember: boolean; newsletter?: boolean };

/**
 * C8: a guest purchase stores neither preference: both stay null (empty), not false. A guest who
 * registers chose the newsletter (C4; unticked means false) but was never asked about mobile mail,
 * so that stays null. A member's order carries the member's stored preferences.
 */
export function orderPreferenceFields(input: OrderPreferenceInput): OrderPreferenceFields {
  if (input.isMember) return { newsletter: input.member.newsletter, mobileMail: input.member.mobileMail };
  if (!input.registerAsMember) return { newsletter: null, mobileMail: null };
  return { newsletter: input.newsletter ?? false, mobileMail: null };
}

// ---- C6: shop-defined extra member fields ----------------------------------------------------

/**
 * C6: Amazon supplies only name, e-mail, postal code, prefecture, address and phone, so a member
 * registered through Amazon Pay may lack the shop's own required fields; the next logged-in order
 * asks for these ("additional information" step). Missing = absent, null, blank text or empty list.
 */
export function missingExtraFields(
  member: Readonly<Record<string, unknown>>,
  fieldDefinitions: readonly ExtraFieldDefinition[],
): ExtraFieldDefinition[] {
  return fieldDefinitions.filter((field) => field.required && isMissingValue(member[field.key]));
}

function isMissingValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.normalize('NFKC').trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}
