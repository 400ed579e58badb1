import { proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ReconciliationReport } from '../activities/reconciliation.js';
import { RECONCILIATION_READING, reconciliationOutcome } from '../domain/messages.js';

const { reconcileOrders } = proxyActivities<Pick<Activities, 'reconcileOrders'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumAttempts: 5 },
});

export const RECONCILIATION_SCHEDULE_ID = 'reconciliation';

/**
 * The workflow id of the runs started from the ops API: one id per task queue (the deployment; tests
 * and side-by-side deployments in one namespace each have theirs), started with USE_EXISTING, so a
 * request while a run is going joins it and staff pressing twice get the same run.
 */
export function manualReconciliationWorkflowId(taskQueue: string): string {
  return `reconciliation:manual:${taskQueue}`;
}

export interface ReconciliationInput {
  /**
   * The report's id (`runId` in `reconciliation_reports`). Default: the workflow id, unique for each
   * run of the Schedule; the ops API's runs share one workflow id, so it passes one id per run.
   */
  reportId?: string;
}

/**
 * Compares the orders read model with Amazon's charges and refunds (run by a Temporal Schedule,
 * or on demand from the ops API). Its result — the report — is visible in the Temporal UI.
 */
export async function reconciliationWorkflow(input: ReconciliationInput = {}): Promise<ReconciliationReport> {
  setCurrentDetails(RECONCILIATION_READING);
  // Without an input (every run recorded before the input existed) the activity is scheduled exactly as before.
  const report = await reconcileOrders({ runId: input.reportId ?? workflowInfo().workflowId });
  setCurrentDetails(reconciliationOutcome(report.mismatches.length));
  return report;
}
