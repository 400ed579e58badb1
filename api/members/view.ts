/**
 * A member as the API shows it: the fields the member's own pages (api/members/routes.ts) and the
 * console's 会員詳細 (api/ops/members.ts) share — times as stored (L7), never the password hash.
 */
import type { Member } from '../../db/members.js';

export function storedMemberView(member: Member) {
  return {
    memberId: member.memberId,
    email: member.email,
    name: member.name,
    postalCode: member.postalCode,
    prefecture: member.prefecture,
    address: member.address,
    phone: member.phone,
    newsletter: member.newsletter,
    mobileMail: member.mobileMail,
    registeredAt: member.registeredAt.toISOString(),
    amazonLinked: member.amazonBuyerId !== null,
    amazonLinkedAt: member.amazonLinkedAt?.toISOString() ?? null,
    hasPassword: member.passwordHash !== null,
  };
}
