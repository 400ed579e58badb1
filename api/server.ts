/**
 * The API process (`api/main.ts` starts tracing, when configured, then runs this): the HTTP server
 * until SIGINT/SIGTERM.
 */
import { Connection } from '@temporalio/client';
import { createAmazonPayClient } from '../amazon-pay/index.js';
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../config/logger.js';
import type { Tracing } from '../config/tracing.js';
import { openDatabase } from '../db/connection.js';
import { createSmtpMailer } from '../mail/mailer.js';
import { createApp } from './app.js';
import { createAmazonSignInGateway } from './members/amazon-sign-in.js';
import { expireSessions } from './members/session.js';
import { expireStaffSessions } from './ops/staff.js';

export function serveApi(config: AppConfig, log: Logger, tracing: Tracing | undefined): void {
  // Neither server is awaited: the API starts and reports them through /healthz.
  const database = openDatabase(config.mongo.uri, { dbName: config.mongo.dbName });
  const temporal = Connection.lazy(config.temporal.connection);
  const amazonPay = createAmazonPayClient(config);

  const sessionExpiry = expireSessions(database);
  void sessionExpiry.mode.then((mode) => log.info({ mode }, 'expired sessions removed by'));
  expireStaffSessions(database);

  const app = createApp({
    temporal,
    database,
    log,
    config,
    amazonPay,
    amazonSignIn: createAmazonSignInGateway(amazonPay, config.amazonPay),
    mailer: createSmtpMailer(config),
    ...(tracing === undefined ? {} : { tracing }),
  });
  const server = app.listen(config.api.port, config.api.host, () => {
    log.info(
      {
        url: `http://${config.api.host}:${config.api.port}`,
        tracing: config.tracing === undefined ? null : new URL(config.tracing.tracesUrl).origin,
      },
      'api listening',
    );
  });

  function shutdown(signal: string) {
    log.info({ signal }, 'api stopping');
    server.close(() => {
      void Promise.allSettled([temporal.close(), database.close(), tracing?.shutdown()]).then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  }
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
