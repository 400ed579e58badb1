import { Schema, type Connection } from 'mongoose';
import type { OpsRole } from '../../config/index.js';

/**
 * A member of the shop's staff who signs in to the ops console and the codec server (people; machines
 * keep the OPS_TOKENS bearer tokens). Created and changed by `npm run ops:user`. `failedAttempts`
 * counts wrong passwords in a row; reaching the configured limit sets `lockedUntil` and starts the
 * count again. FerretDB's updates are not atomic, so concurrent wrong attempts may count as fewer:
 * the lock-out comes an attempt or two later under a parallel attack, never not at all.
 */
export interface StaffDoc {
  /** Lower-case login name (an e-mail address or a short id). */
  login: string;
  name: string;
  role: OpsRole;
  /** Argon2id, as the members' (api/members/passwords.ts). */
  passwordHash: string;
  failedAttempts: number;
  lockedUntil: Date | null;
  disabled: boolean;
  createdAt: Date;
  passwordChangedAt: Date;
  lastSignInAt: Date | null;
}

const staffSchema = new Schema<StaffDoc>(
  {
    login: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ['viewer', 'operator'] },
    passwordHash: { type: String, required: true },
    failedAttempts: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date, default: null },
    disabled: { type: Boolean, required: true, default: false },
    createdAt: { type: Date, required: true },
    passwordChangedAt: { type: Date, required: true },
    lastSignInAt: { type: Date, default: null },
  },
  { collection: 'staff_accounts', versionKey: false },
);

export function staffModel(connection: Connection) {
  return connection.model<StaffDoc>('Staff', staffSchema);
}
