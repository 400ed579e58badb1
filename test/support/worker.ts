/** A real worker for tests: the order workflows with real activities (database, SDK → emulator). */
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { AmazonPayClient } from '../../amazon-pay/index.js';
import { loadConfig } from '../../config/index.js';
import type { Database } from '../../db/connection.js';
import type { Mailer } from '../../mail/mailer.js';
import { createWorker } from '../../worker/worker.js';
import { testMailer } from './mail.js';
import { testDataConverter } from './servers.js';

export interface TestWorkerOptions {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  database: Database;
  amazonPay: AmazonPayClient;
  workflowBundle?: WorkflowBundle;
  maxCachedWorkflows?: number;
  /** The order e-mails' mailer; default: SMTP to the run's catcher. */
  mailer?: Mailer;
}

export async function createTestWorker(options: TestWorkerOptions): Promise<Worker> {
  return createWorker({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({
      models: options.database.models,
      amazonPay: options.amazonPay,
      temporal: { client: options.client, taskQueue: options.taskQueue },
      extraFields: loadConfig({}).members.extraFields,
      mail: { mailer: options.mailer ?? testMailer(), shopName: loadConfig({}).orders.shopName },
    }),
    dataConverter: testDataConverter,
    ...(options.workflowBundle === undefined ? {} : { workflowBundle: options.workflowBundle }),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}

/** Runs a worker in the background until `stop()`; a crash of the worker fails `stop()`. */
export function runInBackground(worker: Worker): { stop(): Promise<void> } {
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
