/**
 * Ops authentication and audit: `Authorization: Bearer <token>` against the configured named
 * credentials (OPS_TOKENS), compared in constant time; role `viewer` reads, `operator` also acts.
 * Every ops request leaves an audit row (who, what, when; before/after for changes), written before
 * the answer is sent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { OpsCredential, OpsRole } from '../../config/index.js';
import type { Models } from '../../db/models/index.js';
import { HttpError } from '../errors.js';

export interface OpsUser {
  name: string;
  role: OpsRole;
  /** A staff sign-in (people, api/ops/staff.ts); absent: a bearer token (machines). */
  via?: 'staff';
}

/** What a handler records about a change, for the audit row. */
export interface AuditDetails {
  action: string;
  target: string | null;
  before?: unknown;
  after?: unknown;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function opsUser(res: Response): OpsUser {
  return res.locals['opsUser'] as OpsUser;
}

/** Sets the audit details of this request (written before the answer is sent). */
export function auditChange(res: Response, details: AuditDetails): void {
  res.locals['audit'] = details;
}

/**
 * Authenticates the bearer token. Both sides are hashed to equal length and every credential is
 * compared, so the time taken says nothing about which token or how much of it matched.
 */
export function opsAuth(credentials: readonly OpsCredential[]): RequestHandler {
  const known = credentials.map((credential) => ({
    user: { name: credential.name, role: credential.role },
    digest: digest(credential.token),
  }));
  return (req, res, next) => {
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (match === null) {
      next(new HttpError(401, 'unauthorized', 'ops API: missing bearer token'));
      return;
    }
    const presented = digest(match[1] ?? '');
    let found: OpsUser | undefined;
    for (const entry of known) {
      if (timingSafeEqual(presented, entry.digest)) found = entry.user;
    }
    if (found === undefined) {
      next(new HttpError(401, 'unauthorized', 'ops API: invalid token'));
      return;
    }
    res.locals['opsUser'] = found;
    next();
  };
}

/** Only operators act on orders; viewers read. */
export const requireOperator: RequestHandler = (_req, res, next) => {
  if (opsUser(res).role !== 'operator') {
    next(new HttpError(403, 'forbidden', 'ops API: this action needs the operator role'));
    return;
  }
  next();
};

const AUDIT_ATTEMPTS = 3;
const AUDIT_RETRY_MS = 250;

/**
 * Writes one audit row per authenticated ops request *before* the response leaves: whoever saw an
 * answer can rely on the row (like express-session saving before `res.end`). The write is tried
 * three times; if the database still refuses, the full row goes to the error log instead and the
 * answer is sent anyway — the action itself has already happened.
 */
export function auditTrail(models: Pick<Models, 'Audit'>, log: Logger): RequestHandler {
  return (req, res, next) => {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let pending = true;
    res.end = ((...args: unknown[]) => {
      const user = res.locals['opsUser'] as OpsUser | undefined;
      if (!pending || user === undefined) return end(...args);
      pending = false;
      const details = res.locals['audit'] as AuditDetails | undefined;
      const row = {
        at: new Date(),
        actor: user.name,
        role: user.role,
        action:
          details?.action ??
          `${req.method} ${req.baseUrl}${req.route ? String((req.route as { path: string }).path) : req.path}`,
        method: req.method,
        path: req.originalUrl.split('?')[0] ?? req.originalUrl,
        status: res.statusCode,
        target: details?.target ?? null,
        before: details?.before ?? null,
        after: details?.after ?? null,
        via: user.via ?? 'token',
      };
      void writeAuditRow(models, row, log).finally(() => end(...args));
      return res;
    }) as Response['end'];
    next();
  };
}

/** Writes one audit row (three tries, then the error log): for rows no ops request carries, like sign-ins. */
export async function writeAuditRow(
  models: Pick<Models, 'Audit'>,
  row: Record<string, unknown>,
  log: Logger,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await models.Audit.create(row);
      return;
    } catch (error) {
      if (attempt === AUDIT_ATTEMPTS) {
        log.error({ err: error, audit: row }, 'audit row not written to the database; kept in this log');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, AUDIT_RETRY_MS * attempt));
    }
  }
}
