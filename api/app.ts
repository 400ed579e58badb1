import express, { type Express } from 'express';
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';
import { errorHandler, notFound } from './errors.js';
import { healthRoutes } from './routes/health.js';

export interface AppDeps {
  temporal: Connection;
  database: Pick<Database, 'ping'>;
  log: Logger;
}

const PROBE_TIMEOUT_MS = 1500;

async function temporalUp(connection: Connection): Promise<boolean> {
  try {
    await connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => connection.healthService.check({}));
    return true;
  } catch {
    return false;
  }
}

/** The HTTP API: storefront routes, ops routes, Amazon Pay notifications, health. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  app.use(
    healthRoutes({
      temporal: () => temporalUp(deps.temporal),
      database: () => deps.database.ping(PROBE_TIMEOUT_MS),
    }),
  );
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
