/**
 * A rate limit's counts in the shop's database (the storefront's, the staff sign-in failures'),
 * shared by every API replica (in process memory, N replicas would each allow the limit). express-rate-limit keeps the policy, headers and 429
 * answer; rate-limiter-flexible's MongoDB limiter keeps the counts, one document per client and
 * window, incremented atomically. Expired windows leave by a TTL index or a sweep (db/expiry.ts).
 */
import type { Store } from 'express-rate-limit';
import type { mongo } from 'mongoose';
import { RateLimiterMemory, RateLimiterMongo } from 'rate-limiter-flexible';
import type { Database } from '../db/connection.js';
import { expireDocuments, type Expiry } from '../db/expiry.js';

const COLLECTION = 'rate_limits';
/** How long a request waits for the store at start before it passes uncounted. */
const STORE_WAIT_MS = 2_000;

export interface DatabaseRateLimit {
  limit: number;
  windowMs: number;
  /** Keeps this limit's counts apart from the other limits' in the one collection. */
  keyPrefix: string;
}

/** rate-limiter-flexible's MongoDB limiter on the shop's database, once it is connected. */
function mongoLimiter(database: Pick<Database, 'connection' | 'ready'>, rate: DatabaseRateLimit) {
  // The driver's database once connected (the API starts before its database does). Never rejects:
  // the limiter would leave the rejection unhandled; until then its calls fail and requests pass.
  const storeClient = new Promise<mongo.Db>((resolve) => {
    database.ready().then(
      async () => {
        const db = database.connection.db;
        if (db === undefined) return;
        // One window document per client (the limiter replaces an expired one on a duplicate key).
        await db
          .collection(COLLECTION)
          .createIndex({ key: 1 }, { unique: true })
          .catch(() => undefined);
        resolve(db);
      },
      () => undefined,
    );
  });
  // The first requests after a start wait (briefly) for the store instead of passing uncounted.
  const storeReady = () =>
    Promise.race([
      storeClient.then(() => undefined),
      new Promise<void>((resolve) => setTimeout(resolve, STORE_WAIT_MS).unref()),
    ]);
  const limiter = new RateLimiterMongo({
    storeClient,
    tableName: COLLECTION,
    keyPrefix: rate.keyPrefix,
    disableIndexesCreation: true,
    points: rate.limit,
    duration: Math.ceil(rate.windowMs / 1000),
  });
  return { limiter, storeReady };
}

/** The storefront's limit (express-rate-limit) with its counts in the database. */
export function databaseRateLimitStore(
  database: Pick<Database, 'connection' | 'ready'>,
  rate: DatabaseRateLimit,
): Store & { expiry: Expiry } {
  const { limiter, storeReady } = mongoLimiter(database, rate);
  const expiry = expireDocuments(database, COLLECTION, 'expire', 60_000);
  return {
    expiry,
    // penalty() counts a request without refusing it: express-rate-limit decides against its own limit.
    async increment(key) {
      await storeReady();
      const window = await limiter.penalty(key, 1);
      return { totalHits: window.consumedPoints, resetTime: new Date(Date.now() + window.msBeforeNext) };
    },
    async decrement(key) {
      await limiter.reward(key, 1);
    },
    async resetKey(key) {
      await limiter.delete(key);
    },
    shutdown: () => expiry.stop(),
  };
}

/**
 * Failures counted per key (the staff sign-ins' per client address): only failures count — told
 * after the fact — and a key is refused once `limit` of them fall in one window. In the database
 * (every replica counts) or, without one, in memory. A store that cannot answer refuses nobody.
 */
export interface FailureCounter {
  /** How long `key` must still wait (0: it may try). */
  waitMs(key: string): Promise<number>;
  count(key: string): Promise<void>;
}

export function failureCounter(
  rate: DatabaseRateLimit,
  database?: Pick<Database, 'connection' | 'ready'>,
): FailureCounter {
  const { limiter, storeReady } =
    database === undefined
      ? {
          limiter: new RateLimiterMemory({
            keyPrefix: rate.keyPrefix,
            points: rate.limit,
            duration: Math.ceil(rate.windowMs / 1000),
          }),
          storeReady: () => Promise.resolve(),
        }
      : mongoLimiter(database, rate);
  return {
    async waitMs(key) {
      await storeReady();
      const window = await limiter.get(key).catch(() => null);
      return window !== null && window.consumedPoints >= rate.limit ? Math.max(1, window.msBeforeNext) : 0;
    },
    async count(key) {
      await storeReady();
      await limiter.penalty(key, 1).catch(() => undefined);
    },
  };
}
