/**
 * The worker process (`worker/main.ts` starts tracing, when configured, then runs this): the order
 * worker, its health endpoint and the reconciliation schedule, until SIGINT/SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities, createAmazonPayActivities, type ActivityDeps } from '../activities/index.js';
import { createAmazonPayClient } from '../amazon-pay/index.js';
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../config/logger.js';
import type { Tracing } from '../config/tracing.js';
import { openDatabase, prepareDatabase } from '../db/connection.js';
import { createSmtpMailer } from '../mail/mailer.js';
import { serveWorkerHealth } from './health.js';
import { createDataConverter } from './data-converter.js';
import { RECONCILIATION_SCHEDULE_ID } from '../workflows/reconciliation.js';
import { installTemporalLogging } from './logging.js';
import { ensureReconciliationSchedule, RECONCILIATION_EVERY } from './schedules.js';
import { createOrderWorkers, type OrderWorkers } from './worker.js';

export async function runWorker(config: AppConfig, log: Logger, tracing: Tracing | undefined): Promise<void> {
  installTemporalLogging(log, { metricsAddress: config.worker.metricsAddress });
  const dataConverter = createDataConverter(config);

  // Probes answer from the start: live at once, ready only once the worker polls.
  let worker: OrderWorkers | undefined;
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
  const client = new Client({
    connection: clientConnection,
    namespace: config.temporal.namespace,
    dataConverter,
    ...(tracing === undefined ? {} : { interceptors: { workflow: tracing.workflowClientInterceptors() } }),
  });
  try {
    // The hourly reconciliation of the read model against Amazon (registered once, kept by Temporal).
    const schedule = await ensureReconciliationSchedule(client, config.temporal.taskQueue);
    log.info(
      { scheduleId: RECONCILIATION_SCHEDULE_ID, every: RECONCILIATION_EVERY, schedule },
      'reconciliation schedule',
    );
    const deps: ActivityDeps = {
      models: database.models,
      amazonPay: createAmazonPayClient(config),
      temporal: { client, taskQueue: config.temporal.taskQueue },
      extraFields: config.members.extraFields,
      mail: { mailer: createSmtpMailer(config), shopName: config.orders.shopName },
    };
    worker = await createOrderWorkers({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities(deps),
      amazonTaskQueue: config.temporal.amazonTaskQueue,
      amazonActivities: createAmazonPayActivities(deps),
      amazonCallsPerSecond: config.worker.amazonCallsPerSecond,
      dataConverter,
      tuning: config.worker.tuning,
      shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
      ...(tracing === undefined ? {} : { tracing }),
    });
    log.info(
      {
        taskQueue: config.temporal.taskQueue,
        amazonTaskQueue: config.temporal.amazonTaskQueue,
        amazonCallsPerSecond: config.worker.amazonCallsPerSecond,
        temporal: config.temporal.address,
        metrics: config.worker.metricsAddress === undefined ? null : `http://${config.worker.metricsAddress}/metrics`,
        health: config.worker.healthAddress === undefined ? null : `http://${config.worker.healthAddress}/readyz`,
        tuning: config.worker.tuning,
        tracing: config.tracing === undefined ? null : new URL(config.tracing.tracesUrl).origin,
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
    await tracing?.shutdown();
  }
}
