import { Client, Connection } from '@temporalio/client';
import { loadConfig } from './config/index.js';
import { connectDatabase } from './db/connection.js';
import { dataConverterOf } from './scripts/bench/orders.js';
const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:31238', MONGODB_URI: 'mongodb://127.0.0.1:22386/amazon_pay_orders' });
const db = await connectDatabase(config.mongo.uri);
const connection = await Connection.connect({ address: config.temporal.address });
const dc = await dataConverterOf('.', config);
const client = new Client({ connection, namespace: config.temporal.namespace, ...(dc ? { dataConverter: dc } : {}) });
const orders = await db.models.Order.find({}).lean();
let n = 0;
for (const o of orders) {
  const h = client.workflow.getHandle(`order:${o.orderId}`);
  let v: any = null;
  try { v = await h.query('getOrder'); } catch (e) { try { const d = await h.describe(); v = { status: 'closed:' + d.status.name, version: '?' }; } catch { v = null; } }
  if (v === null || v.version !== o.version || v.status !== o.status) { n++; console.log(o.orderId, 'read', o.status, o.version, 'wf', v?.status, v?.version, 'updated', o.updatedAt); }
}
console.log('orders', orders.length, 'differing', n);
process.exit(0);
