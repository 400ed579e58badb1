/**
 * Ops reconciliation routes (read model vs Amazon): the latest reports, a run on demand, and the
 * status of such a run. A run may take up to 30 minutes, longer than a load balancer keeps a request
 * open, so the run answers 202 at once with a status URL to poll.
 */
import { Router } from 'express';
import {
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import { z } from 'zod';
import type { Models } from '../../db/models/index.js';
import {
  INVALID_RECONCILIATION_RUN_ID_MESSAGE,
  RECONCILIATION_RUN_NOT_FOUND_MESSAGE,
  reconciliationRunFailedMessage,
} from '../../domain/messages.js';
import { manualReconciliationWorkflowId, type reconciliationWorkflow } from '../../workflows/reconciliation.js';
import { HttpError } from '../errors.js';
import { auditChange, requireOperator } from './auth.js';

export interface OpsReconciliationDeps {
  client: Client;
  models: Models;
  taskQueue: string;
}

/** The `{runId}` of a status URL: the run id Temporal gave the run (a UUID). */
export const reconciliationRunIdSchema = z.guid();

/** Where a run's status is read: `GET {RUN_STATUS_PATH}/{runId}`. */
const RUN_STATUS_PATH = '/ops/reconciliation/runs';
/** Past this Temporal ends a run as timed out (its status then answers `failed`). */
const RUN_TIMEOUT = '30 minutes';
/** Statuses of a run that may still end with a report. */
const OPEN: readonly WorkflowExecutionStatusName[] = ['RUNNING', 'PAUSED'];

/** A `:runId` that is not a run id is a 400 here, never a 500 from Temporal further in. */
function runIdParam(value: unknown): string {
  const parsed = reconciliationRunIdSchema.safeParse(value);
  // Temporal writes run ids in lower case (and finds them in any case): the answer names the run as POST did.
  if (parsed.success) return parsed.data.toLowerCase();
  throw new HttpError(400, 'invalid_request', INVALID_RECONCILIATION_RUN_ID_MESSAGE, {
    fields: [{ path: 'runId', message: INVALID_RECONCILIATION_RUN_ID_MESSAGE }],
  });
}

/** Temporal's reason a run ended without a result, outermost first (`failed: activity failed: …`). */
function reasonOf(error: Error): string {
  const reasons: string[] = [];
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause.message !== '') reasons.push(cause.message);
  }
  return reasons.join(': ');
}

export function opsReconciliationRoutes(deps: OpsReconciliationDeps): Router {
  const router = Router();
  const workflowId = manualReconciliationWorkflowId(deps.taskQueue);

  router.get('/ops/reconciliation', async (_req, res) => {
    const reports = await deps.models.ReconciliationReport.find({}, { _id: 0 })
      .sort({ startedAt: -1 })
      .limit(20)
      .lean();
    res.json({ reports });
  });

  router.post('/ops/reconciliation/run', requireOperator, async (_req, res) => {
    const handle = await deps.client.workflow.start<typeof reconciliationWorkflow>('reconciliationWorkflow', {
      workflowId,
      taskQueue: deps.taskQueue,
      // Ignored when the request joins a running run: that run keeps its own report id.
      args: [{ reportId: `reconciliation:manual:${new Date().toISOString()}` }],
      workflowExecutionTimeout: RUN_TIMEOUT,
      // Staff pressing again while a run is going get that run (its status URL again), not a second
      // run over the same orders; once it has ended, the next request starts a new one.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    const runId = handle.firstExecutionRunId;
    const statusUrl = `${RUN_STATUS_PATH}/${runId}`;
    auditChange(res, { action: 'reconciliation.run', target: runId, after: { workflowId, runId } });
    res.status(202).location(statusUrl).json({ workflowId, runId, statusUrl });
  });

  router.get(`${RUN_STATUS_PATH}/:runId`, async (req, res) => {
    const runId = runIdParam(req.params['runId']);
    const handle = deps.client.workflow.getHandle<typeof reconciliationWorkflow>(workflowId, runId, {
      followRuns: false,
    });
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      throw new HttpError(404, 'reconciliation_run_not_found', RECONCILIATION_RUN_NOT_FOUND_MESSAGE);
    }
    const run = { workflowId, runId, startedAt: description.startTime.toISOString() };
    if (OPEN.includes(description.status.name)) {
      res.json({ ...run, status: 'running' });
      return;
    }
    const finishedAt = (description.closeTime ?? new Date()).toISOString();
    try {
      // The run has closed: its result is read from the close event, without waiting.
      const report = await handle.result();
      res.json({ ...run, status: 'completed', finishedAt, report });
    } catch (error) {
      if (!(error instanceof WorkflowFailedError || error instanceof WorkflowContinuedAsNewError)) throw error;
      res.json({ ...run, status: 'failed', finishedAt, message: reconciliationRunFailedMessage(reasonOf(error)) });
    }
  });

  return router;
}
