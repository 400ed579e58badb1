/**
 * The database connection as production configures it: the URI's own options win over the service's
 * defaults (Atlas's `retryWrites=true&w=majority` is kept, not overridden), the database is always
 * named (a URI without a path never lands in the driver's `test`), every write waits for a majority,
 * and expired sessions are removed where the server has no TTL index (FerretDB) by a sweep.
 */
import { afterEach, describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { openDatabase, type Database } from '../../db/connection.js';
import { expireSessions } from '../../api/members/session.js';

const opened: Database[] = [];
function open(uri: string, options: Parameters<typeof openDatabase>[1] = {}): Database {
  const database = openDatabase(uri, options);
  opened.push(database);
  return database;
}
afterEach(async () => {
  for (const database of opened.splice(0)) {
    await database.connection.dropDatabase().catch(() => undefined);
    await database.close();
  }
});

/** The run's database server, with `path` and `query` in place of its own. */
function serverUri(path: string, query = ''): string {
  const url = new URL(inject('mongoUri'));
  url.pathname = path;
  url.search = query;
  return url.toString();
}

describe('database settings', () => {
  it('applies the service defaults only where the URI is silent: majority writes, 2 s heartbeats, retryable writes kept', async () => {
    const plain = open(serverUri('/settings_plain'));
    await plain.ready();
    const options = plain.connection.getClient().options;
    expect(options.writeConcern?.w).toBe('majority');
    expect(options.heartbeatFrequencyMS).toBe(2000);
    expect(options.retryWrites).toBe(true);
    // A majority write is accepted by the server of this run.
    await expect(plain.connection.db!.collection('probe').insertOne({ at: new Date() })).resolves.toMatchObject({
      acknowledged: true,
    });

    const tuned = open(serverUri('/settings_tuned', '?w=1&heartbeatFrequencyMS=5000&retryWrites=false'));
    await tuned.ready();
    const own = tuned.connection.getClient().options;
    expect(own.writeConcern?.w).toBe(1);
    expect(own.heartbeatFrequencyMS).toBe(5000);
    expect(own.retryWrites).toBe(false);
  });

  it('always names the database: the URI path, an explicit name, else amazon_pay_orders', async () => {
    const fromPath = open(serverUri('/settings_path'));
    const explicit = open(serverUri('/settings_path'), { dbName: 'settings_explicit' });
    const noPath = open(serverUri('/'));
    await Promise.all([fromPath.ready(), explicit.ready(), noPath.ready()]);
    expect(fromPath.connection.db?.databaseName).toBe('settings_path');
    expect(explicit.connection.db?.databaseName).toBe('settings_explicit');
    expect(noPath.connection.db?.databaseName).toBe('amazon_pay_orders');

    expect(loadConfig({ MONGODB_URI: 'mongodb+srv://u:p@cluster0.example.net/?retryWrites=true' }).mongo.dbName).toBe(
      'amazon_pay_orders',
    );
    expect(loadConfig({ MONGODB_URI: 'mongodb://db1,db2,db3/shop?replicaSet=rs0' }).mongo.dbName).toBe('shop');
    expect(loadConfig({ MONGODB_URI: 'mongodb://db1/shop', MONGODB_DB_NAME: 'shop_live' }).mongo.dbName).toBe(
      'shop_live',
    );
  });

  it('removes expired sessions by a sweep where the server has no TTL index, keeping live ones', async () => {
    const database = open(serverUri('/settings_sessions'));
    await database.ready();
    const sessions = database.connection.db!.collection<{ _id: string; expires: Date }>('sessions');
    await sessions.insertMany([
      { _id: 'expired', expires: new Date(Date.now() - 60_000) },
      { _id: 'live', expires: new Date(Date.now() + 3_600_000) },
    ]);
    const expiry = expireSessions(database, 50);
    try {
      const mode = await expiry.mode;
      if (mode === 'ttl-index') {
        // A server with TTL indexes (MongoDB) deletes them itself; the index is what to check.
        const indexes = await sessions.indexes();
        expect(indexes.find((index) => index.name === 'expires_ttl')?.expireAfterSeconds).toBe(0);
        return;
      }
      const deadline = Date.now() + 5000;
      while ((await sessions.countDocuments({ _id: 'expired' })) > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(
        await sessions
          .find()
          .map((s) => s._id)
          .toArray(),
      ).toEqual(['live']);
    } finally {
      expiry.stop();
    }
  });
});
