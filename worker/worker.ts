import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type State, type WorkflowBundle } from '@temporalio/worker';
import type { Activities, AmazonPayActivities } from '../activities/index.js';
import type { WorkerTuning } from '../config/index.js';
import type { Tracing } from '../config/tracing.js';

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
  /** Tracing's interceptors and workflow span sink (worker/tracing.ts); bundled with the workflows. */
  tracing?: Tracing;
}

/** Builds the order worker; tests call this with their own connection and activities. */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  if (options.tracing !== undefined && options.workflowBundle !== undefined) {
    // The SDK would ignore the workflow interceptors: a prebuilt bundle has none.
    throw new Error('tracing needs the workflow bundle built by the worker (workflowsPath), not a prebuilt one');
  }
  const tracing =
    options.tracing === undefined ? {} : (await import('./tracing.js')).tracingWorkerOptions(options.tracing);
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
    ...tracing,
  });
}

interface AmazonWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** `config.temporal.amazonTaskQueue`. */
  taskQueue: string;
  activities: AmazonPayActivities;
  dataConverter: DataConverter;
  /** The queue's rate across every worker polling it, kept by the Temporal server. */
  callsPerSecond: number;
  tuning?: WorkerTuning;
  shutdownGraceSeconds?: number;
  /** RunActivity spans of the Amazon calls (the activity interceptors only: no workflows here). */
  tracing?: Tracing;
}

/** Runs the Amazon Pay calls of new orders (no workflows), at most `callsPerSecond` across all workers. */
async function createAmazonWorker(options: AmazonWorkerOptions): Promise<Worker> {
  const activityInterceptors =
    options.tracing === undefined
      ? undefined
      : (await import('./tracing.js')).tracingWorkerOptions(options.tracing).interceptors.activity;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    dataConverter: options.dataConverter,
    maxTaskQueueActivitiesPerSecond: options.callsPerSecond,
    ...(options.tuning?.maxConcurrentActivityTaskExecutions === undefined
      ? {}
      : { maxConcurrentActivityTaskExecutions: options.tuning.maxConcurrentActivityTaskExecutions }),
    ...(options.tuning?.maxConcurrentActivityTaskPolls === undefined
      ? {}
      : { maxConcurrentActivityTaskPolls: options.tuning.maxConcurrentActivityTaskPolls }),
    ...(options.shutdownGraceSeconds === undefined ? {} : { shutdownGraceTime: options.shutdownGraceSeconds * 1000 }),
    ...(activityInterceptors === undefined ? {} : { interceptors: { activity: activityInterceptors } }),
  });
}

/** One worker process's two pollers, run and stopped together: the orders and the Amazon Pay calls. */
export class OrderWorkers {
  constructor(
    readonly orders: Worker,
    readonly amazon: Worker,
  ) {}

  /** RUNNING while both poll; otherwise the state of the one that does not (FAILED first). */
  getState(): State {
    const states = [this.orders.getState(), this.amazon.getState()];
    return states.find((state) => state === 'FAILED') ?? states.find((state) => state !== 'RUNNING') ?? 'RUNNING';
  }

  /** Until both have stopped; when one fails, the other is shut down and the failure rethrown. */
  async run(): Promise<void> {
    const runs = [this.orders.run(), this.amazon.run()];
    try {
      await Promise.all(runs);
    } catch (error) {
      this.shutdown();
      await Promise.allSettled(runs);
      throw error;
    }
  }

  /** Graceful: polling stops, running activities get the grace time (the runtime also does this on SIGTERM). */
  shutdown(): void {
    for (const worker of [this.orders, this.amazon]) if (worker.getState() === 'RUNNING') worker.shutdown();
  }
}

/** Both pollers with the same connection, converter and tuning (worker/main.ts; tests). */
export async function createOrderWorkers(
  options: WorkerOptions & {
    amazonTaskQueue: string;
    amazonCallsPerSecond: number;
    /** `createAmazonPayActivities(deps)`, the same dependencies as `activities`. */
    amazonActivities: AmazonPayActivities;
  },
): Promise<OrderWorkers> {
  const orders = await createWorker(options);
  const amazon = await createAmazonWorker({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.amazonTaskQueue,
    activities: options.amazonActivities,
    dataConverter: options.dataConverter,
    callsPerSecond: options.amazonCallsPerSecond,
    ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
    ...(options.shutdownGraceSeconds === undefined ? {} : { shutdownGraceSeconds: options.shutdownGraceSeconds }),
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
  });
  return new OrderWorkers(orders, amazon);
}
