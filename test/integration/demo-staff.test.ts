/**
 * `npm start`'s demo staff account, on a real database: made only while there is no staff account at
 * all, kept on later starts, never added next to the shop's own accounts, and not offered once
 * disabled. (The dev-stack test signs in with it on the real stack.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../api/members/passwords.js';
import type { Database } from '../../db/connection.js';
import { DEMO_STAFF, ensureDemoStaff } from '../../scripts/demo-staff.js';
import { dropTestDatabase, openTestDatabase } from '../support/servers.js';
import { addStaff } from '../support/staff.js';

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase('demo_staff');
});
afterAll(async () => {
  await dropTestDatabase(database);
});

describe('the demo staff account of npm start', () => {
  it('is made in a database without staff, once, as an operator with the printed password', async () => {
    const { Staff } = database.models;
    expect(await ensureDemoStaff(database)).toBe(true);
    expect(await ensureDemoStaff(database)).toBe(true);
    const accounts = await Staff.find({}).lean();
    expect(accounts.map((a) => [a.login, a.role, a.disabled])).toEqual([[DEMO_STAFF.login, 'operator', false]]);
    expect(await verifyPassword(accounts[0]?.passwordHash ?? '', DEMO_STAFF.password)).toBe(true);
  });

  it('is not offered once disabled, and never made next to the shop’s own accounts', async () => {
    const { Staff } = database.models;
    await Staff.updateOne({ login: DEMO_STAFF.login }, { $set: { disabled: true } });
    expect(await ensureDemoStaff(database)).toBe(false);
    await Staff.deleteOne({ login: DEMO_STAFF.login });
    await addStaff(database, { login: 'hanako', name: '佐藤 花子', role: 'viewer', password: 'spring-2026-password' });
    expect(await ensureDemoStaff(database)).toBe(false);
    expect((await Staff.find({}).lean()).map((a) => a.login)).toEqual(['hanako']);
  });
});
