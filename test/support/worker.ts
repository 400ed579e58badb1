/** A real worker for tests: the order workflows with real activities (database, SDK → emulator). */
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import { createActivities, createAmazonPayActivities, type ActivityDeps } from '../../activities/index.js';
import type { AmazonPayClient } from '../../amazon-pay/index.js';
import { amazonTaskQueueOf, loadConfig } from '../../config/index.js';
import type { Database } from '../../db/connection.js';
import type { Mailer } from '../../mail/mailer.js';
import { createOrderWorkers, type OrderWorkers } from '../../worker/worker.js';
import { testMailer } from './mail.js';
import { testDataConverter } from './servers.js';

export interface TestWorkerOptions {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  /** The orders' queue; the Amazon Pay calls are polled on `amazonTaskQueueOf(taskQueue)`, as configured by default. */
  taskQueue: string;
  database: Database;
  amazonPay: AmazonPayClient;
  workflowBundle?: WorkflowBundle;
  maxCachedWorkflows?: number;
  /** The order e-mails' mailer; default: SMTP to the run's catcher. */
  mailer?: Mailer;
  /** The Amazon queue's rate (default: high enough never to slow a test). */
  amazonCallsPerSecond?: number;
}

/** Both pollers of a worker process (orders, Amazon Pay calls), as `npm run worker` runs them. */
export async function createTestWorker(options: TestWorkerOptions): Promise<OrderWorkers> {
  const deps: ActivityDeps = {
    models: options.database.models,
    amazonPay: options.amazonPay,
    temporal: { client: options.client, taskQueue: options.taskQueue },
    extraFields: loadConfig({}).members.extraFields,
    mail: { mailer: options.mailer ?? testMailer(), shopName: loadConfig({}).orders.shopName },
  };
  return createOrderWorkers({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(deps),
    amazonTaskQueue: amazonTaskQueueOf(options.taskQueue),
    amazonActivities: createAmazonPayActivities(deps),
    amazonCallsPerSecond: options.amazonCallsPerSecond ?? 1000,
    dataConverter: testDataConverter,
    ...(options.workflowBundle === undefined ? {} : { workflowBundle: options.workflowBundle }),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}

/** Runs a worker in the background until `stop()`; a crash of the worker fails `stop()`. */
export function runInBackground(worker: { run(): Promise<void>; shutdown(): void }): { stop(): Promise<void> } {
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
