/** Worker process entry: `npm run worker` (the dev stack starts it for you). */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createAmazonPayClient } from '../amazon-pay/index.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { connectDatabase } from '../db/connection.js';
import { createDataConverter } from './data-converter.js';
import { installTemporalLogging } from './logging.js';
import { createWorker } from './worker.js';

const config = loadConfig();
const log = createLogger(config, 'worker');
installTemporalLogging(log, { metricsAddress: config.worker.metricsAddress });
const dataConverter = createDataConverter(config);

const database = await connectDatabase(config.mongo.uri);
const connection = await NativeConnection.connect({ address: config.temporal.address });
// Activities that drive other workflows (the point accounts) use a client of their own.
const clientConnection = await Connection.connect({ address: config.temporal.address });
try {
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      models: database.models,
      amazonPay: createAmazonPayClient(config),
      temporal: { client: new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter }), taskQueue: config.temporal.taskQueue },
      extraFields: config.members.extraFields,
    }),
    dataConverter,
  });
  log.info(
    { taskQueue: config.temporal.taskQueue, temporal: config.temporal.address, metrics: config.worker.metricsAddress === undefined ? null : `http://${config.worker.metricsAddress}/metrics` },
    'worker started',
  );
  // Runs until SIGINT/SIGTERM, which the Temporal runtime turns into a graceful shutdown.
  await worker.run();
  log.info('worker stopped');
} finally {
  await clientConnection.close();
  await connection.close();
  await database.close();
}
