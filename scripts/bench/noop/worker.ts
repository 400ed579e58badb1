/**
 * The no-op workflow's worker, a process of its own so its CPU is measured apart:
 * `node --import tsx scripts/bench/noop/worker.ts <temporal address> <namespace> <task queue>`.
 * Prints "ready" once polling; stops on SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { NoopActivities } from './definitions.js';

const [address, namespace = 'default', taskQueue = 'bench-noop'] = process.argv.slice(2);
if (address === undefined) throw new Error('usage: worker.ts <temporal address> [namespace] [task queue]');

const activities: NoopActivities = { noop: async () => undefined };
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address }),
  namespace,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities,
});
process.once('SIGTERM', () => worker.shutdown());
const running = worker.run();
console.log('ready');
await running;
