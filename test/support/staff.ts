/** Staff accounts for tests, stored as `npm run ops:user -- add` stores them (scripts/ops-user.ts). */
import { hashPassword } from '../../api/members/passwords.js';
import type { OpsRole } from '../../config/index.js';
import type { Database } from '../../db/connection.js';

export interface TestStaff {
  login: string;
  name: string;
  role: OpsRole;
  password: string;
}

export async function addStaff(database: Pick<Database, 'models'>, staff: TestStaff): Promise<void> {
  const at = new Date();
  await database.models.Staff.create({
    login: staff.login,
    name: staff.name,
    role: staff.role,
    passwordHash: await hashPassword(staff.password),
    createdAt: at,
    passwordChangedAt: at,
  });
}
