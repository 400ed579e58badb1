/**
 * `npm run temporal:setup`: prepares the configured Temporal server (TEMPORAL_ADDRESS and the other
 * TEMPORAL_* settings) for this service — registers the namespace where the server allows it and adds
 * the order search attributes it lacks. Safe to run at every deploy; the dev stack needs none of it.
 */
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/index.js';
import { setUpTemporal } from '../worker/temporal-setup.js';

const config = loadConfig();
const connection = await Connection.connect(config.temporal.connection);
try {
  const report = await setUpTemporal(connection, config.temporal.namespace);
  const where = `${config.temporal.address} namespace ${config.temporal.namespace}`;
  console.log(
    `temporal:setup on ${where}: namespace ${report.namespace}; ` +
      `search attributes added: ${report.added.join(', ') || 'none'}; already there: ${report.present.join(', ') || 'none'}`,
  );
  if (report.namespace === 'not allowed')
    console.log('  the server does not let clients register namespaces: create it in its console (Temporal Cloud)');
} finally {
  await connection.close();
}
