/**
 * A demo staff account for trying the ops console on `npm start`'s stack: an operator with a known
 * password, made only in the database the stack started itself and only while it has no staff
 * account at all, so a database with the shop's own accounts never gets one anybody could guess.
 */
import { addStaffAccount } from '../api/ops/staff.js';
import type { Database } from '../db/connection.js';

export const DEMO_STAFF = { login: 'demo-operator', password: 'demo-staff-password-2026', role: 'operator' } as const;

/** True when the demo account is there to sign in with (made now or on an earlier start, not disabled). */
export async function ensureDemoStaff(database: Database): Promise<boolean> {
  const { Staff } = database.models;
  const demo = await Staff.findOne({ login: DEMO_STAFF.login }, { disabled: 1 }).lean();
  if (demo !== null) return demo.disabled !== true;
  if ((await Staff.exists({})) !== null) return false;
  await addStaffAccount(database, { ...DEMO_STAFF, name: 'デモ 担当者' });
  return true;
}
