/**
 * Serves the demo storefront (`storefront/`, browser code only) from the API's origin, so its
 * pages call the API without CORS. The page routes are the return URLs handed to Amazon.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { tokyoDate } from '../domain/calendar.js';
import { DELIVERY_TIME_SLOT_LABELS } from '../domain/messages.js';
import { DELIVERY_TIME_SLOTS, NOSHI_TYPES, deliveryDateRange } from '../domain/order-procedure.js';
import { PREFECTURES } from '../domain/prefectures.js';
import { DEFAULT_FEE_TABLE } from '../domain/totals.js';

const root = fileURLToPath(new URL('../storefront/', import.meta.url));

/** Page paths → HTML files; the Amazon return URLs are among them. */
const STOREFRONT_PAGES: Record<string, string> = {
  '/': 'index.html',
  '/cart': 'cart.html',
  '/normal-order': 'normal-order.html',
  '/checkout/review': 'review.html',
  '/checkout/complete': 'complete.html',
  '/amazon-sign-in': 'amazon-sign-in.html',
  '/login': 'login.html',
  '/mypage': 'mypage.html',
  '/reset-password': 'reset-password.html',
};

/**
 * The choices of the order-procedure form (C3) and the fee table, from the same domain constants
 * the workflow validates and totals with, so the browser never keeps a second copy that could drift. The delivery dates
 * are today's window in JST, as the workflow checks them.
 */
function procedureOptions(now: Date = new Date()) {
  return {
    timeSlots: DELIVERY_TIME_SLOTS.map((value) => ({ value, label: DELIVERY_TIME_SLOT_LABELS[value] })),
    noshiTypes: [...NOSHI_TYPES],
    prefectures: [...PREFECTURES],
    deliveryDates: deliveryDateRange(tokyoDate(now)),
    // The fee table every order is totalled with (shipping, free-shipping threshold, gift wrapping, noshi).
    fees: { ...DEFAULT_FEE_TABLE },
  };
}

export function storefrontRoutes(): Router {
  const router = Router();
  for (const [route, file] of Object.entries(STOREFRONT_PAGES)) {
    router.get(route, (_req, res) => res.sendFile(path.join(root, file)));
  }
  router.get('/api/storefront/procedure-options', (_req, res) => {
    res.json(procedureOptions());
  });
  router.use('/assets', express.static(path.join(root, 'assets'), { fallthrough: false, index: false }));
  return router;
}
