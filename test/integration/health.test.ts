import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApp } from '../../api/app.js';
import { openDatabase, type Database } from '../../db/connection.js';
import { freePort } from '../../scripts/services.js';
import { dropTestDatabase, openTestDatabase } from '../support/servers.js';

const log = pino({ level: 'silent' });

async function listen(app: ReturnType<typeof createApp>): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

describe('GET /healthz against real servers', () => {
  let database: Database;
  let temporal: Connection;

  beforeAll(async () => {
    database = await openTestDatabase('health');
    temporal = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await temporal.close();
    await dropTestDatabase(database);
  });

  it('answers 200 when Temporal and the database both answer', async () => {
    const { url, server } = await listen(createApp({ temporal, database, log }));
    try {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', checks: { temporal: 'up', database: 'up' } });
    } finally {
      server.close();
    }
  });

  it('answers 503 naming the database when the database is down', async () => {
    const deadDatabase = openDatabase(`mongodb://127.0.0.1:${await freePort()}/none`, { serverSelectionTimeoutMS: 500 });
    const { url, server } = await listen(createApp({ temporal, database: deadDatabase, log }));
    try {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', checks: { temporal: 'up', database: 'down' } });
    } finally {
      server.close();
      await deadDatabase.close();
    }
  });

  it('answers 503 naming Temporal when Temporal is down', async () => {
    const deadTemporal = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const { url, server } = await listen(createApp({ temporal: deadTemporal, database, log }));
    try {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', checks: { temporal: 'down', database: 'up' } });
    } finally {
      server.close();
      await deadTemporal.close().catch(() => undefined);
    }
  });

  it('answers unknown routes and malformed JSON with the standard error body', async () => {
    const { url, server } = await listen(createApp({ temporal, database, log }));
    try {
      const missing = await fetch(`${url}/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
      const malformed = await fetch(`${url}/healthz`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toEqual({ error: { code: 'bad_request', message: 'request body is not valid JSON' } });
    } finally {
      server.close();
    }
  });
});
