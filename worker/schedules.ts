import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { RECONCILIATION_SCHEDULE_ID, type reconciliationWorkflow } from '../workflows/reconciliation.js';

/** How often the reconciliation runs (and what `npm start` registers). */
export const RECONCILIATION_EVERY = '1 hour';

/**
 * Registers the reconciliation Schedule once (a second worker finds it and leaves it alone).
 * Overlapping runs are skipped: a slow run is never doubled.
 */
export async function ensureReconciliationSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create<typeof reconciliationWorkflow>({
      scheduleId: RECONCILIATION_SCHEDULE_ID,
      spec: { intervals: [{ every: RECONCILIATION_EVERY }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'reconciliationWorkflow',
        taskQueue,
        args: [],
        workflowExecutionTimeout: '1 hour',
      },
      policies: { overlap: 'SKIP' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'exists';
    throw error;
  }
}
