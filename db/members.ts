/**
 * Member data access shared by the API (registration, login, sign in with Amazon) and the order
 * activities (registration at purchase). Every write is a guarded insert or update, safe to retry.
 */
import { randomUUID } from 'node:crypto';
import type { FilterQuery } from 'mongoose';
import { normalizeEmail } from '../domain/member.js';
import { isDuplicateKey } from './errors.js';
import type { Models } from './models/index.js';
import type { MemberDoc } from './models/member.js';

export type MemberRuleCode = 'email_taken' | 'buyer_linked_elsewhere' | 'member_linked_elsewhere' | 'member_not_found';

/** A member rule the caller broke; `code` maps to a 4xx and a buyer-facing message. */
export class MemberRuleError extends Error {
  override readonly name = 'MemberRuleError';
  constructor(readonly code: MemberRuleCode) {
    super(code);
  }
}

/** A member to register: the record's fields less what registration sets itself. */
export type NewMember = Omit<MemberDoc, 'memberId' | 'registeredAt' | 'amazonBuyerId' | 'amazonLinkedAt'> & {
  memberId?: string;
  /** Registers the member as Amazon-linked; registration time = link time (L7). */
  amazonBuyerId?: string;
};

export type Member = MemberDoc;

export interface MemberSearch {
  /** L5: `amazon` = only Amazon-linked members, `none` = only members without a link. */
  idLink?: 'amazon' | 'none' | undefined;
  /** Part of the e-mail address or name. */
  q?: string | undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function memberSearchFilter(search: MemberSearch): FilterQuery<MemberDoc> {
  const filter: FilterQuery<MemberDoc> = {};
  if (search.idLink === 'amazon') filter.amazonBuyerId = { $ne: null };
  if (search.idLink === 'none') filter.amazonBuyerId = null;
  const q = search.q?.trim();
  if (q !== undefined && q !== '') {
    const pattern = { $regex: escapeRegex(q), $options: 'i' };
    filter.$or = [{ email: pattern }, { name: pattern }];
  }
  return filter;
}

export function createMemberRepository(
  models: Pick<Models, 'Member' | 'AmazonLink'>,
  now: () => Date = () => new Date(),
) {
  const { Member, AmazonLink } = models;

  async function findById(memberId: string): Promise<Member | null> {
    return Member.findOne({ memberId }).lean();
  }

  async function findByAmazonBuyerId(buyerId: string): Promise<Member | null> {
    const link = await AmazonLink.findOne({ buyerId }).lean();
    return link === null ? null : findById(link.memberId);
  }

  /**
   * L2: links a member to an Amazon buyer id. Idempotent for the same pair; refuses a buyer id
   * linked to someone else, or a member linked to another buyer id (never the wrong account).
   */
  async function link(memberId: string, buyerId: string, at: Date = now()): Promise<Member> {
    let linkedAt = at;
    try {
      await AmazonLink.create({ buyerId, memberId, linkedAt: at });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Two equality lookups rather than one `$or`: each goes through its unique index.
      const existing =
        (await AmazonLink.findOne({ buyerId }).lean()) ?? (await AmazonLink.findOne({ memberId }).lean());
      if (existing === null) throw error;
      if (existing.buyerId !== buyerId) throw new MemberRuleError('member_linked_elsewhere');
      if (existing.memberId !== memberId) throw new MemberRuleError('buyer_linked_elsewhere');
      linkedAt = existing.linkedAt;
    }
    const updated = await Member.findOneAndUpdate(
      { memberId },
      { $set: { amazonBuyerId: buyerId, amazonLinkedAt: linkedAt } },
      { new: true },
    ).lean();
    if (updated === null) throw new MemberRuleError('member_not_found');
    return updated;
  }

  /**
   * L7: links a member just registered through Amazon, at its registration time. When the buyer id
   * turns out linked to someone else, the registration is undone: the member row it created goes,
   * as long as it is still that unfinished row (no link, no password: nobody can have used it), so
   * no member without its Amazon account is left holding the address.
   */
  async function linkRegistered(memberId: string, buyerId: string, registeredAt: Date): Promise<Member> {
    try {
      return await link(memberId, buyerId, registeredAt);
    } catch (error) {
      if (error instanceof MemberRuleError && error.code === 'buyer_linked_elsewhere') {
        await Member.deleteOne({ memberId, amazonBuyerId: null, passwordHash: null });
      }
      throw error;
    }
  }

  /** Finishes a registration an earlier attempt began with the same member id (see `register`). */
  async function resume(existing: Member, input: NewMember): Promise<Member> {
    if (
      normalizeEmail(existing.email) !== normalizeEmail(input.email) ||
      existing.registeredVia !== input.registeredVia
    ) {
      throw new Error(`member id ${existing.memberId} belongs to another registration`);
    }
    if (input.amazonBuyerId === undefined || existing.amazonBuyerId === input.amazonBuyerId) return existing;
    return linkRegistered(existing.memberId, input.amazonBuyerId, existing.registeredAt);
  }

  /**
   * Registers a member; with `amazonBuyerId`, registered as Amazon-linked (L2, L7: registration
   * time = link time) or not at all (`buyer_linked_elsewhere`).
   * With a caller-chosen `memberId` (registration at purchase derives it from the order) it is
   * resumable: called again after a crash at any point — member created, link row written, or all
   * done — it finishes that same registration and answers the one member, linked.
   */
  async function register(input: NewMember): Promise<Member> {
    if (input.memberId !== undefined) {
      const existing = await findById(input.memberId);
      if (existing !== null) return resume(existing, input);
    }
    if (input.amazonBuyerId !== undefined && (await AmazonLink.exists({ buyerId: input.amazonBuyerId })) !== null) {
      throw new MemberRuleError('buyer_linked_elsewhere');
    }
    const registeredAt = now();
    const { amazonBuyerId, ...fields } = input;
    const memberId = input.memberId ?? `M${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
    try {
      // The model stores the e-mail normalized (domain/member.ts), so `email_taken` holds across case.
      await Member.create({ ...fields, memberId, registeredAt, amazonBuyerId: null, amazonLinkedAt: null });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // A concurrent attempt of the same registration created the member first: finish that one.
      const raced = input.memberId === undefined ? null : await findById(memberId);
      if (raced !== null) return resume(raced, input);
      throw new MemberRuleError('email_taken');
    }
    if (amazonBuyerId === undefined) return (await findById(memberId)) as Member;
    // L7: a member registered through Amazon was linked at the moment of registration.
    return linkRegistered(memberId, amazonBuyerId, registeredAt);
  }

  return {
    findById,
    findByAmazonBuyerId,
    findByEmail: (email: string) => Member.findOne({ email: normalizeEmail(email) }).lean(),
    register,
    link,
    async setPasswordHash(memberId: string, passwordHash: string): Promise<void> {
      await Member.updateOne({ memberId }, { $set: { passwordHash } });
    },
    async setExtra(memberId: string, extra: Record<string, string>): Promise<Member | null> {
      const set = Object.fromEntries(Object.entries(extra).map(([key, value]) => [`extra.${key}`, value]));
      return Member.findOneAndUpdate({ memberId }, { $set: set }, { new: true }).lean();
    },
    async search(
      search: MemberSearch,
      page: { page: number; pageSize: number },
    ): Promise<{ total: number; members: Member[] }> {
      const filter = memberSearchFilter(search);
      const [total, members] = await Promise.all([
        Member.countDocuments(filter),
        Member.find(filter)
          .sort({ registeredAt: 1, memberId: 1 })
          .skip((page.page - 1) * page.pageSize)
          .limit(page.pageSize)
          .lean(),
      ]);
      return { total, members };
    },
    /** A cursor over every matching member in a stable order, for streamed exports. */
    cursor(search: MemberSearch) {
      return Member.find(memberSearchFilter(search)).sort({ memberId: 1 }).lean().cursor({ batchSize: 500 });
    },
  };
}

export type MemberRepository = ReturnType<typeof createMemberRepository>;
