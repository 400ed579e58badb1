/**
 * MongoDB connections. Each process (and each test file) opens its own connection object rather
 * than using mongoose's global one, so several databases can be used side by side.
 */
import mongoose, { type Connection } from 'mongoose';
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
  options: { serverSelectionTimeoutMS?: number; retryDelayMs?: number } = {},
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
          serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
          // Polling heartbeats every 2 s: a restarted server is found again within seconds.
          serverMonitoringMode: 'poll',
          heartbeatFrequencyMS: 2000,
          bufferCommands: false,
          // FerretDB has no retryable writes; idempotent upserts and guarded updates make retries safe instead.
          retryWrites: false,
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

/** Opens a connection and waits until the server answers; creates the models' indexes. */
export async function connectDatabase(uri: string): Promise<Database> {
  const database = openDatabase(uri);
  await database.ready();
  await Promise.all(Object.values(database.models).map((model) => model.init()));
  return database;
}
