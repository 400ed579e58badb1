import express, { type Express, type RequestHandler } from 'express';
import { Client, type Connection } from '@temporalio/client';
import type { AmazonPayClient } from '../amazon-pay/index.js';
import { readPointAccount } from '../activities/points.js';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import type { Tracing } from '../config/tracing.js';
import type { Database } from '../db/connection.js';
import type { Mailer } from '../mail/mailer.js';
import { createMemberRepository } from '../db/members.js';
import { methodNotAllowedMessage } from '../domain/messages.js';
import { createDataConverter, createPayloadCodec } from '../worker/data-converter.js';
import { codecServerRoutes } from './codec-server.js';
import { errorBody, errorHandler, notFound } from './errors.js';
import { allowedMethods, httpMetrics, requestLogger, securityHeaders, storefrontRateLimit } from './http.js';
import { memberRoutes, type AmazonSignInGateway } from './members/routes.js';
import { sessionMiddleware } from './members/session.js';
import { auditTrail, opsAuth } from './ops/auth.js';
import { consolePageRoutes } from './ops/console.js';
import { createStaffAuth, STAFF_COOKIE_PATHS } from './ops/staff.js';
import { opsMemberRoutes } from './ops/members.js';
import { opsOrderRoutes } from './ops/orders.js';
import { opsReconciliationRoutes } from './ops/reconciliation.js';
import { NOTIFICATION_PATH, notificationRoutes } from './notifications.js';
import { openApiRoutes } from './openapi.js';
import { orderRoutes } from './orders/routes.js';
import { databaseRateLimitStore, failureCounter } from './rate-limit-store.js';
import { healthRoutes } from './routes/health.js';
import { storefrontRoutes } from './storefront.js';

export interface AppDeps {
  temporal: Connection;
  database: Database;
  log: Logger;
  config: Pick<AppConfig, 'api' | 'members' | 'ops' | 'staff' | 'amazonPay' | 'orders' | 'temporal' | 'codec'>;
  amazonPay: AmazonPayClient;
  amazonSignIn: AmazonSignInGateway;
  mailer: Mailer;
  now?: () => Date;
  /** With tracing: the orders' workflows join the trace of the request that started or updated them. */
  tracing?: Pick<Tracing, 'workflowClientInterceptors'>;
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

/** The driver client once connected. Never rejects: a database closed before it ever connected leaves a session store waiting, not crashing. */
function databaseClient(database: Database): Promise<ReturnType<Database['connection']['getClient']>> {
  return new Promise((resolve) => {
    database.ready().then(
      () => resolve(database.connection.getClient()),
      () => undefined,
    );
  });
}

/** The HTTP API: storefront routes, ops routes, Amazon Pay notifications, codec server, docs, metrics, health. */
export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const members = createMemberRepository(deps.database.models, deps.now);
  const app = express();
  /** A known path asked with a method no route of it takes: 405 with `Allow`, not a 404 or a 401. */
  const rejectUnknownMethods: RequestHandler = (req, res, next) => {
    const path = req.baseUrl + req.path;
    const allow = allowedMethods(app, path);
    if (allow.length === 0 || allow.includes(req.method)) {
      next();
      return;
    }
    res
      .set('allow', allow.join(', '))
      .status(405)
      .json(errorBody('method_not_allowed', methodNotAllowedMessage(path, req.method, allow)));
  };
  app.disable('x-powered-by');
  // Behind a load balancer: the client's address and https come from its X-Forwarded-* headers.
  app.set('trust proxy', config.api.trustProxy);
  const metrics = httpMetrics();
  app.use(securityHeaders(config.api.publicBaseUrl));
  app.use(requestLogger(deps.log));
  app.use(metrics.middleware);
  // Not public: any ops credential (a Prometheus scrape job sends a viewer token as its bearer).
  app.get('/metrics', opsAuth(config.ops.credentials), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Rate limits count in the database (every API replica's requests count) or in memory.
  const sharedCounts = config.api.rateLimitStore === 'database';
  const storefrontRate = { limit: config.api.rateLimitPerMinute, windowMs: 60_000, keyPrefix: 'storefront' };
  const signInRate = {
    limit: config.staff.signInFailuresPerIp,
    windowMs: config.staff.lockoutMinutes * 60_000,
    keyPrefix: 'staff-sign-in',
  };
  // Staff sign-in (people; bearer tokens stay for machines): one session for the ops routes and the codec server.
  const staff = createStaffAuth({
    models: deps.database.models,
    client: databaseClient(deps.database),
    secrets: config.members.sessionSecrets,
    secureCookies: config.api.publicBaseUrl.startsWith('https:'),
    ...config.staff,
    failuresPerAddress: failureCounter(signInRate, sharedCounts ? deps.database : undefined),
    log: deps.log,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  app.use([...STAFF_COOKIE_PATHS], staff.session);

  // Before the 100 kB JSON parser: a history page's payloads are larger, and parsed only once authenticated.
  app.use(
    codecServerRoutes({
      codec: createPayloadCodec(config),
      credentials: config.ops.credentials,
      allowedOrigins: config.codec.corsOrigins,
      namespace: config.temporal.namespace,
      staff,
      models: deps.database.models,
      log: deps.log,
    }),
  );
  app.use(
    '/api',
    storefrontRateLimit(
      config.api.rateLimitPerMinute,
      [NOTIFICATION_PATH],
      sharedCounts ? databaseRateLimitStore(deps.database, storefrontRate) : undefined,
    ),
  );
  app.use(express.json({ limit: '100kb' }));
  app.use(
    healthRoutes({
      temporal: () => temporalUp(deps.temporal),
      database: () => deps.database.ping(PROBE_TIMEOUT_MS),
      databaseDiagnosis: () => deps.database.diagnosis(),
      log: deps.log,
    }),
  );

  app.use(
    openApiRoutes({
      serverUrl: config.api.publicBaseUrl,
      extraFields: config.members.extraFields,
      namespace: config.temporal.namespace,
    }),
  );

  app.use(staff.routes());
  app.use(consolePageRoutes(staff));
  // A method no /ops route takes is a 405 before sign-in is asked for (as everywhere else).
  app.use(
    '/ops',
    rejectUnknownMethods,
    auditTrail(deps.database.models, deps.log),
    staff.authenticate(opsAuth(config.ops.credentials)),
  );
  const client = new Client({
    connection: deps.temporal,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config),
    ...(deps.tracing === undefined ? {} : { interceptors: { workflow: deps.tracing.workflowClientInterceptors() } }),
  });
  app.use(
    opsMemberRoutes({
      members,
      models: deps.database.models,
      points: (memberId) => readPointAccount(client, memberId),
      extraFields: config.members.extraFields,
    }),
  );

  app.use(
    '/api',
    sessionMiddleware({
      // Never rejects: a database closed before it ever connected leaves the store waiting, not crashing.
      client: new Promise((resolve) => {
        deps.database.ready().then(
          () => resolve(deps.database.connection.getClient()),
          () => undefined,
        );
      }),
      secrets: config.members.sessionSecrets,
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
      log: deps.log,
      publicBaseUrl: config.api.publicBaseUrl,
      passwordResetTtlMinutes: config.members.passwordResetTtlMinutes,
      ...(deps.now === undefined ? {} : { now: deps.now }),
    }),
  );

  app.use(
    opsOrderRoutes({
      client,
      models: deps.database.models,
      temporalUi: { origin: config.codec.corsOrigins[0] ?? '', namespace: config.temporal.namespace },
    }),
  );
  app.use(opsReconciliationRoutes({ client, models: deps.database.models, taskQueue: config.temporal.taskQueue }));
  app.use(orderRoutes({ client, models: deps.database.models, amazonPay: deps.amazonPay, config }));
  app.use(
    notificationRoutes({
      client,
      models: deps.database.models,
      trustedCertPath: config.amazonPay.notificationCertPath,
      log: deps.log,
    }),
  );

  app.use(storefrontRoutes());

  app.use(rejectUnknownMethods);
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
