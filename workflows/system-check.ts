import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { recordSystemCheck } = proxyActivities<Pick<Activities, 'recordSystemCheck'>>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '200 milliseconds' },
});

/**
 * Proves the chain worker → activity → database: `npm start` runs it once the stack is up, and
 * the harness tests run it against both Temporal servers.
 */
export async function stackSelfCheck(
  checkId: string,
): Promise<{ checkId: string; recordedBy: string; recordedAt: string }> {
  const result = await recordSystemCheck(checkId);
  if (result.workflowId !== workflowInfo().workflowId) {
    throw new Error(`self-check ${checkId} was recorded by ${result.workflowId}, not by this workflow`);
  }
  return { checkId: result.checkId, recordedBy: result.workflowId, recordedAt: result.recordedAt };
}
