import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { WorkerTuning } from '../config/index.js';

/** The workflow bundle's entry file: TypeScript from the sources, JavaScript from the build (dist/). */
export const workflowsPath = fileURLToPath(
  new URL(`../workflows/index${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** All of `createActivities`, or (tests) just the ones a workflow under test calls. */
  activities: Activities | Partial<Activities>;
  /** `createDataConverter(config)`: the payload codec every client and worker shares. */
  dataConverter: DataConverter;
  /** A prebuilt workflow bundle (tests that start many workers bundle once). */
  workflowBundle?: WorkflowBundle;
  /** 0: no workflow cache, so every task replays its history (tests that restart workers). */
  maxCachedWorkflows?: number;
  /** Task slots, cache and pollers (config.worker.tuning); the SDK's defaults for what is unset. */
  tuning?: WorkerTuning;
  /** On shutdown, how long running activities may finish before they are cancelled. */
  shutdownGraceSeconds?: number;
}

/** Builds the order worker; tests call this with their own connection and activities. */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle === undefined ? { workflowsPath } : { workflowBundle: options.workflowBundle }),
    activities: options.activities,
    dataConverter: options.dataConverter,
    ...options.tuning,
    ...(options.shutdownGraceSeconds === undefined ? {} : { shutdownGraceTime: options.shutdownGraceSeconds * 1000 }),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}
