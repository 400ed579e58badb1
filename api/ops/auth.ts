import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../errors.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Ops routes need `Authorization: Bearer <token>`. Both sides are hashed to equal length first, so
 * the comparison takes the same time whatever the guess (no length or prefix leak).
 */
export function requireOpsToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (match === null) {
      next(new HttpError(401, 'unauthorized', 'ops API: missing bearer token'));
      return;
    }
    if (!timingSafeEqual(digest(match[1] ?? ''), expected)) {
      next(new HttpError(401, 'unauthorized', 'ops API: invalid token'));
      return;
    }
    next();
  };
}
