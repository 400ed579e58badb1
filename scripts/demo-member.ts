/**
 * A demo member for trying member checkout on `npm start`'s storefront: logs in with a password,
 * has points to spend (granted once through the point account, so a restart adds none).
 */
import type { Client } from '@temporalio/client';
import { updatePointAccount } from '../activities/points.js';
import { hashPassword } from '../api/members/passwords.js';
import type { Database } from '../db/connection.js';
import { createMemberRepository } from '../db/members.js';
import { adjustPoints } from '../workflows/points/definitions.js';

export const DEMO_MEMBER = { email: 'demo@example.jp', password: 'demo-password-2026', points: 1_000 } as const;

export async function ensureDemoMember(database: Database, client: Client, taskQueue: string): Promise<string> {
  const members = createMemberRepository(database.models);
  const existing = await members.findByEmail(DEMO_MEMBER.email);
  const member =
    existing ??
    (await members.register({
      email: DEMO_MEMBER.email,
      name: 'デモ 会員',
      postalCode: '1500041',
      prefecture: '東京都',
      address: '渋谷区神南1-2-3',
      phone: '0312345678',
      passwordHash: await hashPassword(DEMO_MEMBER.password),
      newsletter: true,
      mobileMail: null,
      extra: { birthday: '1990-01-01' },
      registeredVia: 'form',
    }));
  await updatePointAccount({ client, taskQueue }, member.memberId, adjustPoints, {
    key: 'demo-welcome-points',
    points: DEMO_MEMBER.points,
    reason: 'demo member',
  });
  return member.memberId;
}
