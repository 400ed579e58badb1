/** Worker process entry: `npm run worker` (the dev stack starts it for you). */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createAmazonPayClient } from '../amazon-pay/index.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { openDatabase, prepareDatabase } from '../db/connection.js';
import { createSmtpMailer } from '../mail/mailer.js';
import { serveWorkerHealth } from './health.js';
import { createDataConverter } from './data-converter.js';
import { RECONCILIATION_SCHEDULE_ID } from '../workflows/reconciliation.js';
import { installTemporalLogging } from './logging.js';
import { ensureReconciliationSchedule, RECONCILIATION_EVERY } from './schedules.js';
import { createWorker } from './worker.js';

const config = loadConfig();
const log = createLogger(config, 'worker');
installTemporalLogging(log, { metricsAddress: config.worker.metricsAddress });
const dataConverter = createDataConverter(config);

// Probes answer from the start: live at once, ready only once the worker polls.
let worker: Worker | undefined;
const database = openDatabase(config.mongo.uri, { dbName: config.mongo.dbName });
const health =
  config.worker.healthAddress === undefined
    ? undefined
    : await serveWorkerHealth(config.worker.healthAddress, {
        state: () => worker?.getState() ?? 'STARTING',
        database: () => database.ping(),
      });
await prepareDatabase(database);
const connection = await NativeConnection.connect(config.temporal.connection);
// Activities that drive other workflows (the point accounts) use a client of their own.
const clientConnection = await Connection.connect(config.temporal.connection);
const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter });
try {
  // The hourly reconciliation of the read model against Amazon (registered once, kept by Temporal).
  const schedule = await ensureReconciliationSchedule(client, config.temporal.taskQueue);
  log.info(
    { scheduleId: RECONCILIATION_SCHEDULE_ID, every: RECONCILIATION_EVERY, schedule },
    'reconciliation schedule',
  );
  worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      models: database.models,
      amazonPay: createAmazonPayClient(config),
      temporal: { client, taskQueue: config.temporal.taskQueue },
      extraFields: config.members.extraFields,
      mail: { mailer: createSmtpMailer(config), shopName: config.orders.shopName },
    }),
    dataConverter,
    tuning: config.worker.tuning,
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
  });
  log.info(
    {
      taskQueue: config.temporal.taskQueue,
      temporal: config.temporal.address,
      metrics: config.worker.metricsAddress === undefined ? null : `http://${config.worker.metricsAddress}/metrics`,
      health: config.worker.healthAddress === undefined ? null : `http://${config.worker.healthAddress}/readyz`,
      tuning: config.worker.tuning,
    },
    'worker started',
  );
  // Runs until SIGINT/SIGTERM, which the Temporal runtime turns into a graceful shutdown: polling stops
  // (readyz answers 503), running activities get WORKER_SHUTDOWN_GRACE_SECONDS to finish.
  await worker.run();
  log.info('worker stopped');
} finally {
  health?.close();
  await clientConnection.close();
  await connection.close();
  await database.close();
}
