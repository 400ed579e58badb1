/**
 * A demo staff account for trying the ops console on `npm start`'s stack: an operator with a known
 * password, made only in the database the stack started itself and only while it has no staff
 * account at all, so a database with the shop's own accounts never gets one anybody could guess.
 */
import { hashPassword } from '../api/members/passwords.js';
import type { Database } from '../db/connection.js';

export const DEMO_STAFF = { login: 'demo-operator', password: 'demo-staff-password-2026', role: 'operator' } as const;

/** True when the demo account is there to sign in with (made now or on an earlier start, not disabled). */
export async function ensureDemoStaff(database: Database): Promise<boolean> {
  const { Staff } = database.models;
  const demo = await Staff.findOne({ login: DEMO_STAFF.login }, { disabled: 1 }).lean();
  if (demo !== null) return demo.disabled !== true;
  if ((await Staff.exists({})) !== null) return false;
  const now = new Date();
  await Staff.create({
    login: DEMO_STAFF.login,
    name: 'デモ 担当者',
    role: DEMO_STAFF.role,
    passwordHash: await hashPassword(DEMO_STAFF.password),
    createdAt: now,
    passwordChangedAt: now,
  });
  return true;
}
