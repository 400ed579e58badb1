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
 * Compares the orders read model with Amazon's charges and refunds (run by a Temporal Schedule,
 * or on demand from the ops API). Its result — the report — is visible in the Temporal UI.
 */
export async function reconciliationWorkflow(): Promise<ReconciliationReport> {
  setCurrentDetails(RECONCILIATION_READING);
  const report = await reconcileOrders({ runId: workflowInfo().workflowId });
  setCurrentDetails(reconciliationOutcome(report.mismatches.length));
  return report;
}
