/** Ops member routes: search with the ID-link filter (L5), CSV export and bulk download (L6). */
import { Router } from 'express';
import { z } from 'zod';
import type { ExtraFieldDefinition } from '../../domain/member.js';
import { AMAZON_LINK_FILTER_LABEL } from '../../domain/messages.js';
import type { MemberRepository } from '../../db/members.js';
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

function csvHeaders(filename: string, encoding: 'utf-8' | 'shift_jis') {
  return {
    'content-type': `text/csv; charset=${encoding === 'utf-8' ? 'utf-8' : 'Shift_JIS'}`,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
  };
}

export function opsMemberRoutes(deps: {
  members: MemberRepository;
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

  return router;
}
