/** `npm run seed`: loads the demo catalog and coupons into the configured database (idempotent). */
import { loadConfig } from '../config/index.js';
import { connectDatabase } from '../db/connection.js';
import { seedCatalog } from '../db/seed.js';

const config = loadConfig(process.env);
const database = await connectDatabase(config.mongo.uri, { dbName: config.mongo.dbName });
try {
  const seeded = await seedCatalog(database.models);
  console.log(`seed: ${seeded.products} products, ${seeded.coupons} coupons`);
} finally {
  await database.close();
}
