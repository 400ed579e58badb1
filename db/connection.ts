/**
 * MongoDB connections. Each process (and each test file) opens its own connection object rather
 * than using mongoose's global one, so several databases can be used side by side.
 */
import mongoose, { type Connection } from 'mongoose';
import { databaseNameOf, DEFAULT_DATABASE_NAME } from '../config/index.js';
import { createModels, type Models } from './models/index.js';

export interface Database {
  connection: Connection;
  models: Models;
  /** Resolves when the database answers a ping within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** What the driver last saw of the server and why the last ping failed, for logs when it is down. */
  diagnosis(): string;
  /** Resolves once the first connection is made (it is retried until then). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The longest a health ping may take, enforced by the driver (the caller's own wait is shorter). */
const PING_DEADLINE_MS = 10_000;

/**
 * Driver settings of this service, each applied only when the URI does not set it: the URI (Atlas's
 * `retryWrites=true&w=majority`, a replica set's `readPreference`, TLS) always wins.
 * - Every write waits for a majority: each one follows money or an order, and a write acknowledged by
 *   one member of a replica set can be rolled back by a failover. (A standalone server treats it as 1.)
 * - Heartbeats every 2 s: a restarted server is found again within seconds.
 * Nothing here is FerretDB's alone. Measured on FerretDB v1.24.2: it answers `hello` as a standalone
 * without a `topologyVersion`, so the driver polls it and never sends retryable writes to it, and it
 * accepts `w: "majority"`; the `retryWrites: false` and polling mode once forced here for it changed
 * nothing there, and silently dropped Atlas's `retryWrites=true`.
 */
const DEFAULT_DRIVER_OPTIONS = {
  serverSelectionTimeoutMS: 5000,
  heartbeatFrequencyMS: 2000,
  w: 'majority',
} as const;

function defaultsNotInUri(uri: string): Partial<typeof DEFAULT_DRIVER_OPTIONS> {
  const query = uri.split('?')[1] ?? '';
  const set = new Set(
    query
      .split('&')
      .map((pair) => pair.split('=')[0]?.toLowerCase())
      .filter((key) => key !== undefined && key !== ''),
  );
  return Object.fromEntries(
    Object.entries(DEFAULT_DRIVER_OPTIONS).filter(([key]) => !set.has(key.toLowerCase())),
  ) as Partial<typeof DEFAULT_DRIVER_OPTIONS>;
}

/**
 * Opens a connection without waiting for the server: a process may start before its database does,
 * and `/healthz` reports the difference. `ready()` waits when a caller needs the server.
 *
 * Resilience (found by the chaos run): the first connection is retried until it succeeds, and
 * mongoose's command buffering is off, so once connected every operation goes straight to the
 * driver, which finds the server again after an outage by itself. (With buffering, mongoose could
 * keep believing it was disconnected after the server came back and queue commands into timeouts.)
 * The driver itself carries a fix (patches/mongoose++mongodb+6.20.0.patch): a command written to a
 * socket the server had just closed waited forever for a 'drain', and when that command was the
 * server monitor's heartbeat, the process saw the database as down for good.
 */
export function openDatabase(
  uri: string,
  options: {
    /** The database to use; default: the URI's path, else `amazon_pay_orders` (never the driver's `test`). */
    dbName?: string;
    serverSelectionTimeoutMS?: number;
    retryDelayMs?: number;
  } = {},
): Database {
  const connection = mongoose.createConnection();
  connection.set('bufferCommands', false);
  // Errors surface through ready()/ping(); an unhandled 'error' event would crash the process.
  connection.on('error', () => undefined);
  const models = createModels(connection);
  let closed = false;
  let lastPingError = '';
  let pinging: Promise<void> | undefined;
  let server = 'not connected yet';
  const opened = (async () => {
    for (;;) {
      try {
        await connection.openUri(uri, {
          ...defaultsNotInUri(uri),
          ...(options.serverSelectionTimeoutMS === undefined
            ? {}
            : { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS }),
          dbName: options.dbName ?? databaseNameOf(uri) ?? DEFAULT_DATABASE_NAME,
          bufferCommands: false,
        });
        connection.getClient().on('serverDescriptionChanged', ({ newDescription }) => {
          server = `${newDescription.address} ${newDescription.type}${newDescription.error ? ` (${newDescription.error.message})` : ''}`;
        });
        server = 'connected';
        return;
      } catch (error) {
        if (closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000).unref());
      }
    }
  })();
  opened.catch(() => undefined);
  return {
    connection,
    models,
    ready: () => opened,
    async ping(timeoutMs = 1000) {
      try {
        // The driver's own answer, not mongoose's readyState (which can lag behind a recovery).
        const db = connection.db;
        if (db === undefined) return false;
        // One ping at a time, bounded by the driver itself: health checks polled faster than the
        // database answers share it instead of piling up operations on the connection pool.
        pinging ??= db
          .admin()
          .command({ ping: 1 }, { timeoutMS: PING_DEADLINE_MS })
          .then(() => undefined)
          .finally(() => {
            pinging = undefined;
          });
        await Promise.race([
          pinging,
          new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), timeoutMs).unref()),
        ]);
        return true;
      } catch (error) {
        lastPingError = (error as Error).message;
        return false;
      }
    },
    diagnosis: () => `server: ${server}; last ping error: ${lastPingError || 'none'}`,
    async close() {
      closed = true;
      await connection.close();
    },
  };
}

/** Waits until the server answers, then creates the models' indexes. */
export async function prepareDatabase(database: Database): Promise<Database> {
  await database.ready();
  await Promise.all(Object.values(database.models).map((model) => model.init()));
  return database;
}

/** Opens a connection and waits until the server answers; creates the models' indexes. */
export async function connectDatabase(uri: string, options: { dbName?: string } = {}): Promise<Database> {
  return prepareDatabase(openDatabase(uri, options));
}
