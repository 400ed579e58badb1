/**
 * The engine's ceiling in the same run: the no-op workflow of scripts/bench/noop/ with a real order's
 * shape (counted from a real order's history), on the bench stack's Temporal server, at the same
 * concurrency. Its workflows/s and CPU per workflow are what the project's orders are measured against.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { noopStep, type NoopShape } from './noop/definitions.js';
import type { noopOrder } from './noop/workflows.js';
import { groupCpuSeconds, readStat } from './proc.js';

export interface CeilingResult {
  shape: NoopShape;
  concurrency: number;
  workflows: number;
  seconds: number;
  workflowsPerSecond: number;
  /** CPU seconds per workflow: the no-op worker, the Temporal server, the driving client, total. */
  cpuPerWorkflow: { worker: number; temporal: number; bench: number; total: number };
}

/** Updates, activities and local activities in a real order's history. */
export async function orderShape(client: Client, workflowId: string): Promise<NoopShape> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const shape: NoopShape = { updates: 0, activities: 0, localActivities: 0 };
  for (const event of history.events ?? []) {
    if (event.workflowExecutionUpdateAcceptedEventAttributes != null) shape.updates += 1;
    else if (event.activityTaskScheduledEventAttributes != null) shape.activities += 1;
    else if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') shape.localActivities += 1;
  }
  return shape;
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function benchCeiling(o: {
  temporalAddress: string;
  namespace: string;
  temporalGroup: number | undefined;
  shape: NoopShape;
  concurrency: number;
  durationSeconds: number;
  warmup: number;
}): Promise<CeilingResult> {
  const taskQueue = `bench-noop-${randomUUID().slice(0, 8)}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench/noop/worker.ts', o.temporalAddress, o.namespace, taskQueue],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const connection = await Connection.connect({ address: o.temporalAddress });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the no-op worker exited (${code})`)));
    });
    const client = new Client({ connection, namespace: o.namespace });
    const one = async () => {
      const handle = await client.workflow.start<typeof noopOrder>('noopOrder', {
        workflowId: `bench-noop:${randomUUID()}`,
        taskQueue,
        args: [o.shape],
      });
      for (let i = 0; i < o.shape.updates; i += 1) await handle.executeUpdate(noopStep);
      await handle.result();
    };
    const drive = async (until: () => boolean) => {
      let done = 0;
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (until()) {
            await one();
            done += 1;
          }
        }),
      );
      return done;
    };
    let warm = 0;
    await drive(() => warm++ < o.warmup);

    const cpu = () => {
      const self = process.cpuUsage();
      return {
        worker: readStat(child.pid ?? -1)?.cpuSeconds ?? 0,
        temporal: o.temporalGroup === undefined ? 0 : (groupCpuSeconds([o.temporalGroup]).get(o.temporalGroup) ?? 0),
        bench: (self.user + self.system) / 1e6,
      };
    };
    const before = cpu();
    const started = performance.now();
    const deadline = Date.now() + o.durationSeconds * 1000;
    const workflows = await drive(() => Date.now() < deadline);
    const seconds = (performance.now() - started) / 1000;
    const after = cpu();
    const per = (key: keyof typeof before) => (workflows > 0 ? (after[key] - before[key]) / workflows : Number.NaN);
    return {
      shape: o.shape,
      concurrency: o.concurrency,
      workflows,
      seconds: round(seconds, 2),
      workflowsPerSecond: round(workflows / seconds, 2),
      cpuPerWorkflow: {
        worker: round(per('worker')),
        temporal: round(per('temporal')),
        bench: round(per('bench')),
        total: round(per('worker') + per('temporal') + per('bench')),
      },
    };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    await connection.close();
  }
}
