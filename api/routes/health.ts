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

/** `GET /healthz`: 200 when Temporal and the database both answer, else 503; says which is down. */
export function healthRoutes(probes: HealthProbes): Router {
  const router = Router();
  let lastLogged = 0;
  router.get('/healthz', async (_req, res) => {
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
