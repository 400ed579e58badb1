/**
 * The worker's probes (WORKER_HEALTH_ADDRESS): live while the process answers; ready only while the
 * worker polls and its database answers, so an orchestrator stops routing to a draining worker and
 * waits for a starting one. The dev-stack test reads the real worker's `/readyz` too.
 */
import { describe, expect, it } from 'vitest';
import type { State } from '@temporalio/worker';
import { freePort } from '../../scripts/services.js';
import { serveWorkerHealth } from '../../worker/health.js';

describe('worker probes', () => {
  it('answers /livez always and /readyz by the worker state and the database', async () => {
    let state: State | 'STARTING' = 'STARTING';
    let databaseUp = true;
    const address = `127.0.0.1:${await freePort()}`;
    const server = await serveWorkerHealth(address, { state: () => state, database: async () => databaseUp });
    const probe = async (path: string) => {
      const response = await fetch(`http://${address}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    try {
      expect(await probe('/livez')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await probe('/readyz')).toMatchObject({ status: 503, body: { worker: 'STARTING' } });
      state = 'RUNNING';
      expect(await probe('/readyz')).toEqual({
        status: 200,
        body: { status: 'ok', worker: 'RUNNING', database: 'up' },
      });
      databaseUp = false;
      expect(await probe('/readyz')).toMatchObject({ status: 503, body: { database: 'down' } });
      databaseUp = true;
      state = 'STOPPING';
      expect(await probe('/readyz')).toMatchObject({ status: 503, body: { worker: 'STOPPING' } });
      expect(await probe('/livez')).toMatchObject({ status: 200 });
      expect((await probe('/other')).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
