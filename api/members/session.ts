import MongoStore from 'connect-mongo';
import session from 'express-session';
import type { Request, RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import type { Database } from '../../db/connection.js';
import { expireDocuments, type Expiry } from '../../db/expiry.js';

/** What the shop keeps in a session. */
interface AmazonSignIn {
  buyerId: string;
  signedInAt: string;
}

export interface PendingAmazonBuyer {
  buyerId: string;
  name: string;
  email: string;
  postalCode: string | null;
  prefecture: string | null;
  address: string | null;
  phone: string | null;
}

declare module 'express-session' {
  interface SessionData {
    memberId: string;
    /** L4: the Amazon sign-in link lives in the same session, so logging out ends both. */
    amazon: AmazonSignIn;
    /** An Amazon buyer not linked to any member yet: may register, or log in to link (L1, L2). */
    pendingAmazonBuyer: PendingAmazonBuyer;
    /** Guest checkouts started in this browser (newest last): the C4 login after registering at purchase. */
    guestCheckouts: string[];
  }
}

export interface SessionOptions {
  /** Mongoose's driver client exists only once the first connection is made: hence a promise. */
  client: Promise<ReturnType<Connection['getClient']>>;
  /** The first signs new cookies; every one is accepted (rotation: put a new secret first, drop the old one later). */
  secrets: string[];
  ttlHours: number;
  /** Secure cookies whenever the public URL is https. */
  secureCookies: boolean;
}

const SESSION_COOKIE = 'shop.sid';

/**
 * Server-side sessions in MongoDB (connect-mongo). connect-mongo ignores expired sessions on read, and
 * `expireSessions` removes them. connect-mongo's own interval sweep stays off — with it on, the chaos
 * run's database outages could leave the API's shared driver client unable to find the restarted server.
 */
export function sessionMiddleware(options: SessionOptions): RequestHandler {
  const ttlSeconds = options.ttlHours * 3600;
  const store = MongoStore.create({
    // connect-mongo accepts any MongoDB driver client; mongoose's is the one the app already uses.
    clientPromise: options.client as unknown as NonNullable<Parameters<typeof MongoStore.create>[0]['clientPromise']>,
    collectionName: 'sessions',
    ttl: ttlSeconds,
    autoRemove: 'disabled',
    stringify: false,
  });
  return session({
    name: SESSION_COOKIE,
    secret: options.secrets,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: ttlSeconds * 1000 },
  });
}

/** Removes expired sessions (a TTL index where the server has one, else a sweep every `everyMs`). */
export function expireSessions(database: Pick<Database, 'connection' | 'ready'>, everyMs = 15 * 60_000): Expiry {
  return expireDocuments(database, 'sessions', 'expires', everyMs);
}

/** Regenerates the session id on every privilege change (login), keeping the Amazon sign-in. */
async function regenerateSession(req: Request): Promise<void> {
  const { amazon, pendingAmazonBuyer } = req.session;
  await new Promise<void>((resolve, reject) =>
    req.session.regenerate((error) => (error ? reject(error as Error) : resolve())),
  );
  if (amazon !== undefined) req.session.amazon = amazon;
  if (pendingAmazonBuyer !== undefined) req.session.pendingAmazonBuyer = pendingAmazonBuyer;
}

export async function saveSession(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.session.save((error) => (error ? reject(error as Error) : resolve())),
  );
}

/** Logs a member in: a new session id, then the member (the Amazon sign-in stays). */
export async function logIn(req: Request, memberId: string): Promise<void> {
  await regenerateSession(req);
  req.session.memberId = memberId;
  await saveSession(req);
}
