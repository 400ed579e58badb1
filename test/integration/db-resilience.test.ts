/**
 * The database connection survives what the chaos run does to it: the process starting before the
 * database, the database going away and coming back (the same data folder), and the driver race a
 * restart can hit (patches/mongoose++mongodb+6.20.0.patch).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { openDatabase } from '../../db/connection.js';
import { freePort, startDatabase } from '../../scripts/services.js';
import { resolveTools } from '../../scripts/tools.js';
import { eventually } from '../support/servers.js';

const tools = await resolveTools({ config: loadConfig({ NODE_ENV: 'test' }), childEnv: process.env, install: false });

describe.skipIf(tools.database.kind === 'external')('database connection resilience', () => {
  it('connects once a late database starts, and finds it again after a restart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'db-resilience-'));
    const port = await freePort();
    const database = openDatabase(`mongodb://127.0.0.1:${port}/resilience`, {
      serverSelectionTimeoutMS: 1000,
      retryDelayMs: 200,
    });
    try {
      expect(await database.ping()).toBe(false);
      let server = await startDatabase({ tool: tools.database, port, dataDir: dir, dbName: 'resilience' });
      await database.ready();
      expect(await database.ping()).toBe(true);
      await database.models.SystemCheck.create({
        checkId: 'before',
        workflowId: 'w',
        attempts: 1,
        recordedAt: new Date(),
      });

      await server.stop();
      expect(await database.ping()).toBe(false);
      server = await startDatabase({ tool: tools.database, port, dataDir: dir, dbName: 'resilience' });
      try {
        expect(
          await eventually(
            () => database.ping(2000),
            (up) => up,
            30_000,
          ),
        ).toBe(true);
        await database.models.SystemCheck.create({
          checkId: 'after',
          workflowId: 'w',
          attempts: 1,
          recordedAt: new Date(),
        });
        expect(await database.models.SystemCheck.countDocuments()).toBe(2);
      } finally {
        await server.stop();
      }
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  /**
   * What the chaos run found on a slow machine: the database closed the monitor's connection, and the
   * heartbeat ran in the one event-loop turn before the socket's 'close' event. The unpatched driver
   * wrote to the dead socket, awaited a 'drain' that never comes, and the monitor never checked again:
   * the process saw the database as down forever. Driver internals, on purpose: this is the regression
   * test of the patch.
   */
  it('a command on a connection the database just closed fails fast instead of hanging (driver patch)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'db-race-'));
    const port = await freePort();
    const server = await startDatabase({ tool: tools.database, port, dataDir: dir, dbName: 'race' });
    const database = openDatabase(`mongodb://127.0.0.1:${port}/race`, { serverSelectionTimeoutMS: 1000 });
    try {
      await database.ready();
      const monitored = [
        ...(database.connection.getClient() as unknown as DriverClient).topology.s.servers.values(),
      ][0];
      const connection = monitored?.monitor.connection;
      expect(connection?.closed).toBe(false);
      // The socket is gone but its 'close' event has not run yet.
      connection?.socket.destroy();
      const outcome = await Promise.race([
        connection?.command({ db: 'admin' }, { ping: 1 }, {}).then(
          () => 'answered',
          (error: Error) => error.name,
        ),
        sleep(5000).then(() => 'hung'),
      ]);
      expect(outcome).toBe('MongoNetworkError');
      // The monitor reconnects and the database is reachable again.
      expect(
        await eventually(
          () => database.ping(2000),
          (up) => up,
          30_000,
        ),
      ).toBe(true);
    } finally {
      await database.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The few driver internals the regression test touches. */
interface DriverClient {
  topology: {
    s: {
      servers: Map<
        string,
        {
          monitor: {
            connection: {
              closed: boolean;
              socket: { destroy(): void };
              command(ns: { db: string }, command: object, options: object): Promise<unknown>;
            } | null;
          };
        }
      >;
    };
  };
}
