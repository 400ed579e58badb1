import { Context } from '@temporalio/activity';
import type { Models } from '../db/models/index.js';

export interface SystemCheckResult {
  checkId: string;
  workflowId: string;
  recordedAt: string;
}

/** Activities behind the stack self-check: one idempotent write, then a read-back. */
export function createSystemCheckActivities(deps: { models: Pick<Models, 'SystemCheck'> }) {
  const { SystemCheck } = deps.models;
  return {
    async recordSystemCheck(checkId: string): Promise<SystemCheckResult> {
      const { workflowExecution, attempt } = Context.current().info;
      const workflowId = workflowExecution?.workflowId ?? 'standalone-activity';
      // An upsert keyed by checkId: a retried attempt rewrites the same row instead of adding one.
      await SystemCheck.updateOne(
        { checkId },
        { $set: { workflowId, attempts: attempt }, $setOnInsert: { recordedAt: new Date() } },
        { upsert: true },
      );
      const stored = await SystemCheck.findOne({ checkId }).lean().orFail();
      return { checkId: stored.checkId, workflowId: stored.workflowId, recordedAt: stored.recordedAt.toISOString() };
    },
  };
}
