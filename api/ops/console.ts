/**
 * The ops console's pages (Japanese, the storefront's look, plain ES modules): 受注一覧 at `/ops/`,
 * 受注詳細 at `/ops/order/{orderId}` (singular: `/ops/orders/{orderId}` is the JSON route), 会員検索 at
 * `/ops/member-search`, 会員詳細 at `/ops/member/{memberId}` (`/ops/members…` are JSON and CSV) and 照合
 * at `/ops/reconcile` (`/ops/reconciliation` is the JSON route). Only
 * for a signed-in staff member; anyone else is sent to `/ops/login?next=…`, which comes back here.
 * The pages read and change through the ops JSON routes with the staff cookie (and the CSRF token).
 */
import { fileURLToPath } from 'node:url';
import { Router, type Request, type Response } from 'express';
import { isOrderId } from '../../domain/ids.js';
import { INVALID_ORDER_ID_MESSAGE } from '../../domain/messages.js';
import { HttpError } from '../errors.js';
import { memberIdParam } from './members.js';
import type { StaffAuth } from './staff.js';

const page = (file: string) => fileURLToPath(new URL(`../../storefront/${file}`, import.meta.url));
const ORDERS_PAGE = page('ops-orders.html');
const ORDER_PAGE = page('ops-order.html');
const MEMBER_SEARCH_PAGE = page('ops-member-search.html');
const MEMBER_PAGE = page('ops-member.html');
const RECONCILE_PAGE = page('ops-reconcile.html');

export function consolePageRoutes(staff: Pick<StaffAuth, 'sessionUser'>): Router {
  const router = Router();
  const serve = (file: string) => async (req: Request, res: Response) => {
    // A malformed id is a 400 whoever asks: no sign-in round trip ends on a page that cannot load.
    const { orderId, memberId } = req.params;
    if (typeof orderId === 'string' && !isOrderId(orderId))
      throw new HttpError(400, 'invalid_request', INVALID_ORDER_ID_MESSAGE, {
        fields: [{ path: 'orderId', message: INVALID_ORDER_ID_MESSAGE }],
      });
    if (memberId !== undefined) memberIdParam(memberId);
    if ((await staff.sessionUser(req)) === undefined) {
      res.redirect(303, `/ops/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.set('cache-control', 'no-store').sendFile(file);
  };
  router.get('/ops/', serve(ORDERS_PAGE));
  router.get('/ops/order/:orderId', serve(ORDER_PAGE));
  router.get('/ops/member-search', serve(MEMBER_SEARCH_PAGE));
  router.get('/ops/member/:memberId', serve(MEMBER_PAGE));
  router.get('/ops/reconcile', serve(RECONCILE_PAGE));
  return router;
}
