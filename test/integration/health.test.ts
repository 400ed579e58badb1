import { Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { freePort } from '../../scripts/services.js';
import { startTestApi, type TestApi } from '../support/api.js';

describe('GET /livez, /readyz and /healthz against real servers', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi('health');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 200 when Temporal and the database both answer (readiness, and /healthz its older name)', async () => {
    for (const path of ['/readyz', '/healthz']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', checks: { temporal: 'up', database: 'up' } });
    }
    expect((await fetch(`${api.url}/livez`)).status).toBe(200);
  });

  it('answers 503 naming the database when the database is down; liveness stays 200', async () => {
    const deadDatabase = openDatabase(`mongodb://127.0.0.1:${await freePort()}/none`, {
      serverSelectionTimeoutMS: 500,
    });
    const logged: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'warn' },
      { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const other = await startTestApi('health_dead_db', { deps: { database: deadDatabase, log } });
    try {
      // Liveness does not depend on the database: an orchestrator must not restart the API for it.
      const live = await fetch(`${other.url}/livez`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${other.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', checks: { temporal: 'up', database: 'down' } });
      const response = await fetch(`${other.url}/healthz`);
      expect(response.status).toBe(503);
      // The public answer names the failing check only; the log says why, for ops.
      expect(await response.json()).toEqual({ status: 'unavailable', checks: { temporal: 'up', database: 'down' } });
      expect(logged).toContainEqual(
        expect.objectContaining({
          msg: 'health check failing',
          database: false,
          diagnosis: expect.stringMatching(/^server: .*; last ping error: /),
        }),
      );
    } finally {
      await other.close();
      await deadDatabase.close();
    }
  });

  it('answers 503 naming Temporal when Temporal is down', async () => {
    const deadTemporal = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const other = await startTestApi('health_dead_temporal', { deps: { temporal: deadTemporal } });
    try {
      const response = await fetch(`${other.url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', checks: { temporal: 'down', database: 'up' } });
    } finally {
      await other.close();
      await deadTemporal.close().catch(() => undefined);
    }
  });

  it('answers unknown routes and malformed JSON with the standard error body', async () => {
    const missing = await fetch(`${api.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const malformed = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: { code: 'bad_request', message: 'リクエスト本文のJSONが正しくありません。' },
    });
  });
});
