/**
 * The storefront rate limit's counts in the shop's database, shared by every API replica (in process
 * memory, N replicas would each allow the limit). express-rate-limit keeps the policy, headers and 429
 * answer; rate-limiter-flexible's MongoDB limiter keeps the counts, one document per client and
 * window, incremented atomically. Expired windows leave by a TTL index or a sweep (db/expiry.ts).
 */
import type { Store } from 'express-rate-limit';
import type { mongo } from 'mongoose';
import { RateLimiterMongo } from 'rate-limiter-flexible';
import type { Database } from '../db/connection.js';
import { expireDocuments, type Expiry } from '../db/expiry.js';

const COLLECTION = 'rate_limits';
/** How long a request waits for the store at start before it passes uncounted. */
const STORE_WAIT_MS = 2_000;

export function databaseRateLimitStore(
  database: Pick<Database, 'connection' | 'ready'>,
  limitPerMinute: number,
): Store & { expiry: Expiry } {
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
    disableIndexesCreation: true,
    points: limitPerMinute,
    duration: 60,
  });
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
