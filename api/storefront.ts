/**
 * Serves the demo storefront (`storefront/`, browser code only) from the API's origin, so its
 * pages call the API without CORS. The page routes are the return URLs handed to Amazon.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

const root = fileURLToPath(new URL('../storefront/', import.meta.url));

/** Page paths → HTML files; the Amazon return URLs are among them. */
export const STOREFRONT_PAGES: Record<string, string> = {
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

export function storefrontRoutes(): Router {
  const router = Router();
  for (const [route, file] of Object.entries(STOREFRONT_PAGES)) {
    router.get(route, (_req, res) => res.sendFile(path.join(root, file)));
  }
  router.use('/assets', express.static(path.join(root, 'assets'), { fallthrough: false, index: false }));
  return router;
}
