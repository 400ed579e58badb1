/**
 * Staff sign-in: people sign in with a login and password (accounts in `staff_accounts`, made by
 * `npm run ops:user`) instead of pasting a bearer token, which stays for machines.
 *
 * - Sessions: express-session in a store of their own (`staff_sessions`), never the shop's; the cookie
 *   `ops.sid` is HttpOnly, SameSite=Strict, `secure` behind https, and set twice with the same signed
 *   id — path `/ops` (console, ops API) and path `/codec` (the Temporal UI's codec server) — so one
 *   sign-in opens both and the shop's pages never receive it. A session lasts STAFF_SESSION_HOURS
 *   from sign-in (not rolling). The account is re-read on every request: a disabled account or a
 *   changed role counts at once.
 * - CSRF: the synchronizer token of the session (OWASP's pattern for server-side sessions): a random
 *   token made at sign-in, answered by `/ops/session`, required as `X-CSRF-Token` on every
 *   cookie-authenticated ops request that is not GET/HEAD. Bearer requests carry no ambient
 *   credential and need none. The sign-in itself takes JSON only (a cross-site form cannot send it).
 * - Lock-out: STAFF_LOCKOUT_ATTEMPTS wrong passwords in a row lock the account for
 *   STAFF_LOCKOUT_MINUTES. Every refusal (unknown login, wrong password, locked, disabled) gets the
 *   same answer after the same work (one Argon2 verification), so nothing tells whether a login exists.
 * - Per address: failed sign-ins are also counted per client address, whatever the login (one
 *   password tried on many accounts locks none of them); past STAFF_SIGN_IN_FAILURES_PER_IP within
 *   STAFF_LOCKOUT_MINUTES the address's sign-ins answer 429 until the window ends. Only failures count.
 * - Audit: sign-in, failure (with the reason, for staff reading the trail), lock-out and sign-out
 *   rows in `ops_audit`, written before the answer.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import MongoStore from 'connect-mongo';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Database } from '../../db/connection.js';
import { expireDocuments, type Expiry } from '../../db/expiry.js';
import type { Models } from '../../db/models/index.js';
import type { StaffDoc } from '../../db/models/staff.js';
import { STAFF_MESSAGES, staffSignInFailedMessage, staffSignInsThrottledMessage } from '../../domain/messages.js';
import { staffSignInSchema } from '../../domain/staff.js';
import { HttpError } from '../errors.js';
import type { FailureCounter } from '../rate-limit-store.js';
import { hashPassword, verifyPassword } from '../members/passwords.js';
import { parse } from '../validation.js';
import { writeAuditRow, type OpsUser } from './auth.js';

declare module 'express-session' {
  interface SessionData {
    /** Staff sessions only (their own cookie and store): who signed in, and this sign-in's CSRF token. */
    staffLogin: string;
    staffCsrfToken: string;
  }
}

const STAFF_COOKIE = 'ops.sid';
const STAFF_SESSIONS = 'staff_sessions';
/** The two paths the staff cookie is set for (the console and ops API; the codec server). */
export const STAFF_COOKIE_PATHS = ['/ops', '/codec'] as const;
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOGIN_PAGE = fileURLToPath(new URL('../../storefront/ops-login.html', import.meta.url));

export interface StaffAuthOptions {
  models: Pick<Models, 'Staff' | 'Audit'>;
  /** Mongoose's driver client exists only once the first connection is made: hence a promise. */
  client: Promise<ReturnType<Connection['getClient']>>;
  /** The first signs; all verify (SESSION_SECRET, rotation). */
  secrets: readonly string[];
  secureCookies: boolean;
  sessionHours: number;
  lockoutAttempts: number;
  lockoutMinutes: number;
  /** Failed sign-ins per client address, any login (api/rate-limit-store.ts). */
  failuresPerAddress: FailureCounter;
  log: Logger;
  now?: () => Date;
}

export interface StaffAuth {
  /** express-session for `/ops` and `/codec` (mount it on both before their routes). */
  session: RequestHandler;
  /** Checks login and password (lock-out, audit); on success starts the session and sets both cookies. */
  signIn(req: Request, res: Response, body: unknown): Promise<OpsUser>;
  /** The staff member signed in on this request's session, if any (the account re-read). */
  sessionUser(req: Request): Promise<OpsUser | undefined>;
  /** `/ops` authentication: a bearer token (machines) or a staff session (+ CSRF token when changing). */
  authenticate(bearer: RequestHandler): RequestHandler;
  /** `/ops/login` (the page) and `/ops/session` (sign in, who am I, sign out). */
  routes(): Router;
}

function promisified(call: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => call((error) => (error ? reject(error as Error) : resolve())));
}

export function createStaffAuth(options: StaffAuthOptions): StaffAuth {
  const now = options.now ?? (() => new Date());
  const maxAge = options.sessionHours * 3600_000;
  const cookie = { httpOnly: true, sameSite: 'strict', secure: options.secureCookies, maxAge } as const;
  const store = MongoStore.create({
    clientPromise: options.client as unknown as NonNullable<Parameters<typeof MongoStore.create>[0]['clientPromise']>,
    collectionName: STAFF_SESSIONS,
    ttl: options.sessionHours * 3600,
    autoRemove: 'disabled',
    stringify: false,
  });
  const sessionMiddleware = session({
    name: STAFF_COOKIE,
    secret: [...options.secrets],
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    // Path `/` here only so the middleware runs on both mounts; each sign-in sets its cookies' paths.
    cookie: { ...cookie, path: '/' },
  });
  const refused = () =>
    new HttpError(401, 'sign_in_failed', staffSignInFailedMessage(options.lockoutAttempts, options.lockoutMinutes));

  // An unknown login is verified against this hash: the same Argon2 work as a wrong password.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => (decoy ??= hashPassword(randomBytes(24).toString('base64url')));

  function audit(req: Request, action: string, status: number, login: string, role: string, after: unknown) {
    return writeAuditRow(
      options.models,
      {
        at: now(),
        actor: login,
        role,
        action,
        method: req.method,
        path: req.originalUrl.split('?')[0] ?? req.originalUrl,
        status,
        target: login,
        before: null,
        after,
        via: 'staff',
      },
      options.log,
    );
  }

  /** A wrong password: one more in the row; at the limit the account locks and the count starts again. */
  async function countFailure(req: Request, staff: StaffDoc, at: Date): Promise<void> {
    const counted = await options.models.Staff.findOneAndUpdate(
      { login: staff.login },
      { $inc: { failedAttempts: 1 } },
      { new: true },
    ).lean();
    if (counted === null || counted.failedAttempts < options.lockoutAttempts) return;
    const lockedUntil = new Date(at.getTime() + options.lockoutMinutes * 60_000);
    await options.models.Staff.updateOne({ login: staff.login }, { $set: { lockedUntil, failedAttempts: 0 } });
    await audit(req, 'staff.locked_out', 401, staff.login, staff.role, {
      attempts: counted.failedAttempts,
      lockedUntil: lockedUntil.toISOString(),
    });
  }

  /** cookie-signature's `sign` (what express-session puts in its cookie), for the second path's cookie. */
  const signedId = (id: string) =>
    `s:${id}.${createHmac('sha256', options.secrets[0] ?? '')
      .update(id)
      .digest('base64')
      .replace(/=+$/, '')}`;

  async function signIn(req: Request, res: Response, body: unknown): Promise<OpsUser> {
    const { login, password } = parse(staffSignInSchema, body);
    const at = now();
    const address = req.ip ?? 'unknown';
    const waitMs = await options.failuresPerAddress.waitMs(address);
    if (waitMs > 0) {
      await audit(req, 'staff.sign_in_failed', 429, login, 'none', { reason: 'address_throttled', ip: address });
      res.set('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new HttpError(429, 'sign_in_throttled', staffSignInsThrottledMessage(options.lockoutMinutes));
    }
    const staff = await options.models.Staff.findOne({ login }).lean();
    // Verified in every case, first: the time taken does not depend on why the sign-in fails.
    const passwordRight = await verifyPassword(staff?.passwordHash ?? (await decoyHash()), password);
    const reason =
      staff === null
        ? 'unknown_login'
        : staff.disabled
          ? 'disabled'
          : staff.lockedUntil !== null && staff.lockedUntil > at
            ? 'locked'
            : passwordRight
              ? undefined
              : 'wrong_password';
    if (reason !== undefined) {
      await audit(req, 'staff.sign_in_failed', 401, login, staff?.role ?? 'none', { reason, ip: req.ip ?? null });
      if (reason === 'wrong_password' && staff !== null) await countFailure(req, staff, at);
      await options.failuresPerAddress.count(address);
      throw refused();
    }
    const user = staff as StaffDoc;
    await options.models.Staff.updateOne(
      { login },
      { $set: { failedAttempts: 0, lockedUntil: null, lastSignInAt: at } },
    );
    // A new session id on every sign-in (no fixation), then the second cookie with that id.
    await promisified((done) => req.session.regenerate(done));
    req.session.staffLogin = login;
    req.session.staffCsrfToken = randomBytes(32).toString('base64url');
    req.session.cookie.path = STAFF_COOKIE_PATHS[0];
    await promisified((done) => req.session.save(done));
    res.cookie(STAFF_COOKIE, signedId(req.sessionID), { ...cookie, path: STAFF_COOKIE_PATHS[1] });
    await audit(req, 'staff.sign_in', 200, login, user.role, { ip: req.ip ?? null });
    return { name: login, role: user.role, via: 'staff' };
  }

  async function sessionUser(req: Request): Promise<OpsUser | undefined> {
    const login = (req.session as Partial<typeof req.session> | undefined)?.staffLogin;
    if (login === undefined) return undefined;
    const staff = await options.models.Staff.findOne({ login }).lean();
    if (staff === null || staff.disabled) return undefined;
    return { name: staff.login, role: staff.role, via: 'staff' };
  }

  function csrfTokenMatches(req: Request): boolean {
    const expected = Buffer.from(req.session.staffCsrfToken ?? '');
    const presented = Buffer.from(req.get(CSRF_HEADER) ?? '');
    return expected.length > 0 && presented.length === expected.length && timingSafeEqual(presented, expected);
  }

  const authenticate =
    (bearer: RequestHandler): RequestHandler =>
    async (req, res, next) => {
      if (req.get('authorization') !== undefined) {
        bearer(req, res, next);
        return;
      }
      const user = await sessionUser(req);
      if (user === undefined) {
        next(new HttpError(401, 'unauthorized', 'ops API: bearer token or staff sign-in required'));
        return;
      }
      // Known before the CSRF check: a refused change is audited under the staff member's name.
      res.locals['opsUser'] = user;
      if (!SAFE_METHODS.has(req.method) && !csrfTokenMatches(req)) {
        next(new HttpError(403, 'csrf_token_invalid', STAFF_MESSAGES.csrfTokenInvalid));
        return;
      }
      next();
    };

  const sessionAnswer = async (req: Request, user: OpsUser) => {
    const staff = await options.models.Staff.findOne({ login: user.name }).lean();
    return {
      staff: { login: user.name, name: staff?.name ?? user.name, role: user.role },
      csrfToken: req.session.staffCsrfToken ?? '',
      expiresAt: (req.session.cookie.expires ?? new Date(now().getTime() + maxAge)).toISOString(),
    };
  };

  function routes(): Router {
    const router = Router();
    router.get('/ops/login', (_req, res) => {
      res.sendFile(LOGIN_PAGE);
    });
    router.post('/ops/session', async (req, res) => {
      const user = await signIn(req, res, req.body);
      res.set('cache-control', 'no-store').json(await sessionAnswer(req, user));
    });
    router.get('/ops/session', async (req, res) => {
      const user = await sessionUser(req);
      if (user === undefined) throw new HttpError(401, 'not_signed_in', STAFF_MESSAGES.notSignedIn);
      res.set('cache-control', 'no-store').json(await sessionAnswer(req, user));
    });
    router.delete('/ops/session', async (req, res) => {
      const login = req.session.staffLogin;
      if (login === undefined) {
        // Nobody to sign out (never signed in, or the session has ended): a stale cookie goes, and GET's answer.
        for (const cookiePath of STAFF_COOKIE_PATHS) res.clearCookie(STAFF_COOKIE, { ...cookie, path: cookiePath });
        throw new HttpError(401, 'not_signed_in', STAFF_MESSAGES.notSignedIn);
      }
      if (!csrfTokenMatches(req)) throw new HttpError(403, 'csrf_token_invalid', STAFF_MESSAGES.csrfTokenInvalid);
      const user = await sessionUser(req);
      await promisified((done) => req.session.destroy(done));
      await audit(req, 'staff.sign_out', 200, login, user?.role ?? 'none', null);
      for (const cookiePath of STAFF_COOKIE_PATHS) res.clearCookie(STAFF_COOKIE, { ...cookie, path: cookiePath });
      res.json({ signedOut: true });
    });
    return router;
  }

  return { session: sessionMiddleware, signIn, sessionUser, authenticate, routes };
}

/** Removes expired staff sessions (a TTL index where the server has one, else a sweep). */
export function expireStaffSessions(database: Pick<Database, 'connection' | 'ready'>, everyMs = 15 * 60_000): Expiry {
  return expireDocuments(database, STAFF_SESSIONS, 'expires', everyMs);
}

/** Stores a new staff account with its password hashed (`npm run ops:user -- add`, `npm start`'s demo account). */
export async function addStaffAccount(
  database: Pick<Database, 'models'>,
  account: { login: string; name: string; role: StaffDoc['role']; password: string },
): Promise<void> {
  const at = new Date();
  await database.models.Staff.create({
    login: account.login,
    name: account.name,
    role: account.role,
    passwordHash: await hashPassword(account.password),
    createdAt: at,
    passwordChangedAt: at,
  });
}

/** Ends every session of one staff member (password reset, disabling: `npm run ops:user`). */
export async function endStaffSessions(database: Pick<Database, 'connection'>, login: string): Promise<number> {
  const collection = database.connection.db?.collection(STAFF_SESSIONS);
  if (collection === undefined) return 0;
  return (await collection.deleteMany({ 'session.staffLogin': login })).deletedCount;
}
