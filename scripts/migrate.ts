/**
 * `npm run db:migrate`: brings the configured database (MONGODB_URI / MONGODB_DB_NAME) up to the
 * current read-model shape (db/migrations.ts) and creates missing indexes. Idempotent: run it after
 * every deploy; a second run finds nothing to do.
 */
import { loadConfig } from '../config/index.js';
import { connectDatabase } from '../db/connection.js';
import { backfillOrderListFields } from '../db/migrations.js';

const config = loadConfig(process.env);
const database = await connectDatabase(config.mongo.uri, { dbName: config.mongo.dbName });
try {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const orders = await backfillOrderListFields(database.models, say);
  console.log(
    `orders: ${orders.found} without the console's list fields, ${orders.updated} updated` +
      ` (${orders.withoutPaymentMethod} never paid: listed without a payment method)`,
  );
} finally {
  await database.close();
}
