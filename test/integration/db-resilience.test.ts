/**
 * The database connection survives what the chaos run does to it: the process starting before the
 * database, and the database going away and coming back (the same data folder).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
    const database = openDatabase(`mongodb://127.0.0.1:${port}/resilience`, { serverSelectionTimeoutMS: 1000, retryDelayMs: 200 });
    try {
      expect(await database.ping()).toBe(false);
      let server = await startDatabase({ tool: tools.database, port, dataDir: dir, dbName: 'resilience' });
      await database.ready();
      expect(await database.ping()).toBe(true);
      await database.models.SystemCheck.create({ checkId: 'before', workflowId: 'w', attempts: 1, recordedAt: new Date() });

      await server.stop();
      expect(await database.ping()).toBe(false);
      server = await startDatabase({ tool: tools.database, port, dataDir: dir, dbName: 'resilience' });
      try {
        expect(await eventually(() => database.ping(2000), (up) => up, 30_000)).toBe(true);
        await database.models.SystemCheck.create({ checkId: 'after', workflowId: 'w', attempts: 1, recordedAt: new Date() });
        expect(await database.models.SystemCheck.countDocuments()).toBe(2);
      } finally {
        await server.stop();
      }
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
