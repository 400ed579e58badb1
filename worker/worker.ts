import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';

/** The workflow bundle's entry file. */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** All of `createActivities`, or (tests) just the ones a workflow under test calls. */
  activities: Activities | Partial<Activities>;
  /** `createDataConverter(config)`: the payload codec every client and worker shares. */
  dataConverter: DataConverter;
}

/** Builds the order worker; tests call this with their own connection and activities. */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: options.activities,
    dataConverter: options.dataConverter,
  });
}
