import express, { type Express } from 'express';
import { Client, type Connection } from '@temporalio/client';
import type { AmazonPayClient } from '../amazon-pay/index.js';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/connection.js';
import { createMemberRepository } from '../db/members.js';
import { errorHandler, notFound } from './errors.js';
import type { Mailer } from './members/mailer.js';
import { memberRoutes, type AmazonSignInGateway } from './members/routes.js';
import { sessionMiddleware } from './members/session.js';
import { auditTrail, opsAuth } from './ops/auth.js';
import { opsMemberRoutes } from './ops/members.js';
import { opsOrderRoutes } from './ops/orders.js';
import { notificationRoutes } from './notifications.js';
import { orderRoutes } from './orders/routes.js';
import { healthRoutes } from './routes/health.js';
import { storefrontRoutes } from './storefront.js';

export interface AppDeps {
  temporal: Connection;
  database: Database;
  log: Logger;
  config: Pick<AppConfig, 'api' | 'members' | 'ops' | 'amazonPay' | 'orders' | 'temporal'>;
  amazonPay: AmazonPayClient;
  amazonSignIn: AmazonSignInGateway;
  mailer: Mailer;
  now?: () => Date;
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
  const { config } = deps;
  const members = createMemberRepository(deps.database.models, deps.now);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  app.use(
    healthRoutes({
      temporal: () => temporalUp(deps.temporal),
      database: () => deps.database.ping(PROBE_TIMEOUT_MS),
    }),
  );

  app.use('/ops', auditTrail(deps.database.models, deps.log), opsAuth(config.ops.credentials));
  app.use(opsMemberRoutes({ members, extraFields: config.members.extraFields }));

  app.use(
    '/api',
    sessionMiddleware({
      connection: deps.database.connection,
      secret: config.members.sessionSecret,
      ttlHours: config.members.sessionTtlHours,
      secureCookies: config.api.publicBaseUrl.startsWith('https:'),
    }),
  );
  app.use(
    memberRoutes({
      members,
      models: deps.database.models,
      extraFields: config.members.extraFields,
      amazon: deps.amazonSignIn,
      mailer: deps.mailer,
      publicBaseUrl: config.api.publicBaseUrl,
      passwordResetTtlMinutes: config.members.passwordResetTtlMinutes,
      ...(deps.now === undefined ? {} : { now: deps.now }),
    }),
  );

  const client = new Client({ connection: deps.temporal, namespace: config.temporal.namespace });
  app.use(opsOrderRoutes({ client, models: deps.database.models }));
  app.use(orderRoutes({ client, models: deps.database.models, amazonPay: deps.amazonPay, config }));
  app.use(notificationRoutes({ client, models: deps.database.models, trustedCertPath: config.amazonPay.notificationCertPath, log: deps.log }));

  app.use(storefrontRoutes());

  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
