/**
 * The worker's probes for an orchestrator, on WORKER_HEALTH_ADDRESS: `/livez` answers while the
 * process does; `/readyz` answers 200 only while the worker polls (state RUNNING) and its database
 * answers — 503 before it starts, while it drains after SIGTERM, and when the database is down.
 */
import { createServer, type Server } from 'node:http';
import type { State } from '@temporalio/worker';

export interface WorkerHealthChecks {
  state: () => State | 'STARTING';
  database: () => Promise<boolean>;
}

export async function serveWorkerHealth(address: string, checks: WorkerHealthChecks): Promise<Server> {
  const separator = address.lastIndexOf(':');
  const server = createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return answer(405, { error: 'GET only' });
    if (req.url === '/livez') return answer(200, { status: 'ok' });
    if (req.url !== '/readyz') return answer(404, { error: 'not found: /livez or /readyz' });
    void checks.database().then(
      (database) => {
        const state = checks.state();
        const ready = state === 'RUNNING' && database;
        answer(ready ? 200 : 503, {
          status: ready ? 'ok' : 'unavailable',
          worker: state,
          database: database ? 'up' : 'down',
        });
      },
      () => answer(503, { status: 'unavailable', worker: checks.state(), database: 'down' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(address.slice(separator + 1)), address.slice(0, separator), () => resolve());
  });
  return server;
}
