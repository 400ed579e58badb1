import { ScheduleAlreadyRunning, type Client, type ScheduleDescription } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { RECONCILIATION_SCHEDULE_ID, type reconciliationWorkflow } from '../workflows/reconciliation.js';

/** How often the reconciliation runs (and what `npm start` registers). */
export const RECONCILIATION_EVERY = '1 hour';
const RUN_TIMEOUT = '1 hour';

/** The Schedule as this version of the code defines it. Overlapping runs are skipped: a slow run is never doubled. */
function reconciliationSchedule(taskQueue: string) {
  return {
    spec: { intervals: [{ every: RECONCILIATION_EVERY }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'reconciliationWorkflow',
      taskQueue,
      args: [] as Parameters<typeof reconciliationWorkflow>,
      workflowExecutionTimeout: RUN_TIMEOUT,
    },
    policies: { overlap: 'SKIP' as const },
  };
}

/** What differs between the Schedule on the server and this code's definition (empty: nothing). */
function differences(current: ScheduleDescription, taskQueue: string): string[] {
  const wanted = reconciliationSchedule(taskQueue);
  const found = {
    every: current.spec.intervals?.map((interval) => msToNumber(interval.every)).join(',') ?? '',
    calendars: current.spec.calendars?.length ?? 0,
    workflowType: current.action.workflowType,
    taskQueue: current.action.taskQueue,
    timeout:
      current.action.workflowExecutionTimeout === undefined
        ? undefined
        : msToNumber(current.action.workflowExecutionTimeout),
    overlap: current.policies.overlap,
  };
  const expected = {
    every: String(msToNumber(RECONCILIATION_EVERY)),
    calendars: 0,
    workflowType: wanted.action.workflowType,
    taskQueue,
    timeout: msToNumber(RUN_TIMEOUT),
    overlap: wanted.policies.overlap,
  };
  return Object.keys(expected).filter(
    (key) => found[key as keyof typeof found] !== expected[key as keyof typeof expected],
  );
}

/**
 * Registers the reconciliation Schedule, or brings it up to this code's definition when an older
 * version registered another one (every worker calls this at start; the second finds it current).
 */
export async function ensureReconciliationSchedule(
  client: Client,
  taskQueue: string,
): Promise<'created' | 'exists' | 'updated'> {
  try {
    await client.schedule.create<typeof reconciliationWorkflow>({
      scheduleId: RECONCILIATION_SCHEDULE_ID,
      ...reconciliationSchedule(taskQueue),
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
  if (differences(await handle.describe(), taskQueue).length === 0) return 'exists';
  await handle.update((previous) => ({ ...previous, ...reconciliationSchedule(taskQueue) }));
  return 'updated';
}
