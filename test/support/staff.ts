/** Staff accounts for tests, stored as `npm run ops:user -- add` stores them (addStaffAccount). */
import { addStaffAccount } from '../../api/ops/staff.js';
import type { OpsRole } from '../../config/index.js';
import type { Database } from '../../db/connection.js';

export interface TestStaff {
  login: string;
  name: string;
  role: OpsRole;
  password: string;
}

export async function addStaff(database: Pick<Database, 'models'>, staff: TestStaff): Promise<void> {
  await addStaffAccount(database, staff);
}
