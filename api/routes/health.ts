import { Router } from 'express';

export interface HealthProbes {
  temporal(): Promise<boolean>;
  database(): Promise<boolean>;
}

/** `GET /healthz`: 200 when Temporal and the database both answer, else 503; says which is down. */
export function healthRoutes(probes: HealthProbes): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [temporal, database] = await Promise.all([probes.temporal(), probes.database()]);
    const ok = temporal && database;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      checks: { temporal: temporal ? 'up' : 'down', database: database ? 'up' : 'down' },
    });
  });
  return router;
}
