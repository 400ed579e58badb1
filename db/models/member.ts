import { Schema, type Connection } from 'mongoose';
import { normalizeEmail } from '../../domain/member.js';

/**
 * A shop member (L1–L8). `passwordHash` is null for members registered through Amazon (L8);
 * `newsletter` / `mobileMail` are null when never asked (C8: unknown is not false).
 * The Amazon link itself is also kept in `amazon_links`, whose unique indexes enforce one buyer id per
 * member and one member per buyer id (FerretDB has no partial or sparse unique index to do it here).
 */
export interface MemberDoc {
  memberId: string;
  email: string;
  name: string;
  postalCode: string | null;
  prefecture: string | null;
  address: string | null;
  phone: string | null;
  passwordHash: string | null;
  newsletter: boolean | null;
  mobileMail: boolean | null;
  registeredAt: Date;
  registeredVia: 'form' | 'amazon_sign_in' | 'amazon_pay_checkout';
  amazonBuyerId: string | null;
  amazonLinkedAt: Date | null;
  extra: Record<string, string>;
}

const memberSchema = new Schema<MemberDoc>(
  {
    memberId: { type: String, required: true, unique: true },
    // Normalized on every write (create, save, updates): the unique index then holds across case.
    email: {
      type: String,
      required: true,
      unique: true,
      set: (value: unknown) => (typeof value === 'string' ? normalizeEmail(value) : value),
    },
    name: { type: String, required: true },
    postalCode: { type: String, default: null },
    prefecture: { type: String, default: null },
    address: { type: String, default: null },
    phone: { type: String, default: null },
    passwordHash: { type: String, default: null },
    newsletter: { type: Boolean, default: null },
    mobileMail: { type: Boolean, default: null },
    registeredAt: { type: Date, required: true },
    registeredVia: { type: String, required: true, enum: ['form', 'amazon_sign_in', 'amazon_pay_checkout'] },
    amazonBuyerId: { type: String, default: null, index: true },
    amazonLinkedAt: { type: Date, default: null },
    extra: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { collection: 'members', versionKey: false, minimize: false },
);

export function memberModel(connection: Connection) {
  return connection.model<MemberDoc>('Member', memberSchema);
}

/** One row per Amazon-linked member: the uniqueness guard for the link (L2). */
export interface AmazonLinkDoc {
  buyerId: string;
  memberId: string;
  linkedAt: Date;
}

const amazonLinkSchema = new Schema<AmazonLinkDoc>(
  {
    buyerId: { type: String, required: true, unique: true },
    memberId: { type: String, required: true, unique: true },
    linkedAt: { type: Date, required: true },
  },
  { collection: 'amazon_links', versionKey: false },
);

export function amazonLinkModel(connection: Connection) {
  return connection.model<AmazonLinkDoc>('AmazonLink', amazonLinkSchema);
}

/** A password-reset token (L8), stored as a hash; consumed by deleting it, so it works once. */
export interface PasswordResetTokenDoc {
  tokenHash: string;
  memberId: string;
  expiresAt: Date;
}

const passwordResetTokenSchema = new Schema<PasswordResetTokenDoc>(
  {
    tokenHash: { type: String, required: true, unique: true },
    memberId: { type: String, required: true, index: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'password_reset_tokens', versionKey: false },
);

export function passwordResetTokenModel(connection: Connection) {
  return connection.model<PasswordResetTokenDoc>('PasswordResetToken', passwordResetTokenSchema);
}
