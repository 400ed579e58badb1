import { Router } from 'express';
import type { Logger } from 'pino';

export interface HealthProbes {
  temporal(): Promise<boolean>;
  database(): Promise<boolean>;
  /** Details for the log when the database is down (never in the public answer). */
  databaseDiagnosis?(): string;
  log?: Logger;
}

const LOG_EVERY_MS = 10_000;

/**
 * Probes for orchestrators and load balancers:
 * - `GET /livez`: 200 while the process serves HTTP at all (restart it when this fails);
 * - `GET /readyz` (and `/healthz`, its older name): 200 when Temporal and the database both answer,
 *   else 503 naming which is down (take the replica out of rotation, do not restart it).
 */
export function healthRoutes(probes: HealthProbes): Router {
  const router = Router();
  let lastLogged = 0;
  router.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get(['/readyz', '/healthz'], async (_req, res) => {
    const [temporal, database] = await Promise.all([probes.temporal(), probes.database()]);
    const ok = temporal && database;
    if (!ok && Date.now() - lastLogged >= LOG_EVERY_MS) {
      lastLogged = Date.now();
      probes.log?.warn(
        { temporal, database, ...(database ? {} : { diagnosis: probes.databaseDiagnosis?.() }) },
        'health check failing',
      );
    }
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      checks: { temporal: temporal ? 'up' : 'down', database: database ? 'up' : 'down' },
    });
  });
  return router;
}
