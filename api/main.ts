/** API process entry: `npm run api` (the dev stack starts it for you). */
import { Connection } from '@temporalio/client';
import { createAmazonPayClient } from '../amazon-pay/index.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { openDatabase } from '../db/connection.js';
import { createSmtpMailer } from '../mail/mailer.js';
import { createApp } from './app.js';
import { createAmazonSignInGateway } from './members/amazon-sign-in.js';
import { expireSessions } from './members/session.js';

const config = loadConfig();
const log = createLogger(config, 'api');

// Neither server is awaited: the API starts and reports them through /healthz.
const database = openDatabase(config.mongo.uri, { dbName: config.mongo.dbName });
const temporal = Connection.lazy(config.temporal.connection);
const amazonPay = createAmazonPayClient(config);

const sessionExpiry = expireSessions(database);
void sessionExpiry.mode.then((mode) => log.info({ mode }, 'expired sessions removed by'));

const app = createApp({
  temporal,
  database,
  log,
  config,
  amazonPay,
  amazonSignIn: createAmazonSignInGateway(amazonPay, config.amazonPay),
  mailer: createSmtpMailer(config),
});
const server = app.listen(config.api.port, config.api.host, () => {
  log.info({ url: `http://${config.api.host}:${config.api.port}` }, 'api listening');
});

function shutdown(signal: string) {
  log.info({ signal }, 'api stopping');
  server.close(() => {
    void Promise.allSettled([temporal.close(), database.close()]).then(() => process.exit(0));
  });
  setTimeout(() => process.exit(0), 5000).unref();
}
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
