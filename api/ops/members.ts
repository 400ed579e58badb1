/**
 * Ops member routes: search with the ID-link filter (L5), CSV export and bulk download (L6), and one
 * member with the link time (L7), the point account and the orders (the console's 会員詳細).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { ExtraFieldDefinition } from '../../domain/member.js';
import {
  AMAZON_LINK_FILTER_LABEL,
  INVALID_MEMBER_ID_MESSAGE,
  MEMBER_NOT_FOUND_MESSAGE,
} from '../../domain/messages.js';
import type { MemberRepository } from '../../db/members.js';
import type { Models } from '../../db/models/index.js';
import type { PointAccountView } from '../../workflows/points/definitions.js';
import { HttpError } from '../errors.js';
import { storedMemberView } from '../members/view.js';
import { parse } from '../validation.js';
import { writeMembersCsv } from './members-csv.js';

/** L5: the member search's ID-link filter; `amazon` is the filter 「ID連携：Amazon連携」. */
const idLinkSchema = z.enum(['amazon', 'none']).meta({
  description: `amazon: 「${AMAZON_LINK_FILTER_LABEL}」 (only Amazon-linked members); none: only unlinked members`,
});

export const searchSchema = z.strictObject({
  idLink: idLinkSchema.optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const exportSchema = z.strictObject({
  idLink: idLinkSchema.optional(),
  q: z.string().trim().max(100).optional(),
  encoding: z.enum(['utf-8', 'shift_jis']).default('utf-8'),
});

export const bulkSchema = exportSchema.pick({ encoding: true });

/**
 * The `{memberId}` of a URL. Ids are made by the code (`M` and 16 hex digits, `M-ORD-…` for a
 * registration at purchase), so anything else is refused as a 400 before it reaches the database or
 * the point account's workflow id.
 */
export const memberIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

export function memberIdParam(value: unknown): string {
  const parsed = memberIdSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpError(400, 'invalid_request', INVALID_MEMBER_ID_MESSAGE, {
    fields: [{ path: 'memberId', message: INVALID_MEMBER_ID_MESSAGE }],
  });
}

/** The member detail lists this many of the member's orders, newest first (the order list has them all). */
const MEMBER_ORDERS = 50;

function csvHeaders(filename: string, encoding: 'utf-8' | 'shift_jis') {
  return {
    'content-type': `text/csv; charset=${encoding === 'utf-8' ? 'utf-8' : 'Shift_JIS'}`,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
  };
}

export function opsMemberRoutes(deps: {
  members: MemberRepository;
  models: Pick<Models, 'Order'>;
  /** The member's point account (the `points:{memberId}` workflow; zero when it never started). */
  points: (memberId: string) => Promise<PointAccountView>;
  extraFields: readonly ExtraFieldDefinition[];
}): Router {
  const router = Router();

  router.get('/ops/members', async (req, res) => {
    const { page, pageSize, ...search } = parse(searchSchema, req.query);
    const { total, members } = await deps.members.search(search, { page, pageSize });
    res.json({
      total,
      page,
      pageSize,
      members: members.map((member) => ({
        memberId: member.memberId,
        email: member.email,
        name: member.name,
        registeredAt: member.registeredAt.toISOString(),
        amazonLinked: member.amazonBuyerId !== null,
        amazonLinkedAt: member.amazonLinkedAt?.toISOString() ?? null,
      })),
    });
  });

  // Export of a search result: the same filters as the search, every page.
  router.get('/ops/members/export.csv', async (req, res) => {
    const { encoding, ...search } = parse(exportSchema, req.query);
    res.set(csvHeaders('members.csv', encoding));
    await writeMembersCsv(deps.members.cursor(search), deps.extraFields, encoding, res);
  });

  // The bulk member download: every member.
  router.get('/ops/members/bulk.csv', async (req, res) => {
    const { encoding } = parse(bulkSchema, req.query);
    res.set(csvHeaders('members-all.csv', encoding));
    await writeMembersCsv(deps.members.cursor({}), deps.extraFields, encoding, res);
  });

  // One member as stored (L7: registration and link time as written, never recomputed), points, orders.
  router.get('/ops/members/:memberId', async (req, res) => {
    const memberId = memberIdParam(req.params['memberId']);
    const member = await deps.members.findById(memberId);
    if (member === null) throw new HttpError(404, 'member_not_found', MEMBER_NOT_FOUND_MESSAGE);
    const [points, ordersTotal, orders] = await Promise.all([
      deps.points(memberId),
      deps.models.Order.countDocuments({ memberId }),
      deps.models.Order.find({ memberId }).sort({ createdAt: -1 }).limit(MEMBER_ORDERS).lean(),
    ]);
    res.json({
      member: {
        ...storedMemberView(member),
        registeredVia: member.registeredVia,
        extra: deps.extraFields.map(({ key, label }) => ({ key, label, value: member.extra[key] ?? null })),
      },
      points: {
        balance: points.balance,
        reserved: points.reserved,
        available: points.available,
        pending: points.pending,
      },
      ordersTotal,
      orders: orders.map((order) => order.view),
    });
  });

  return router;
}
