/**
 * Point-account operations for the order workflow: each is an Update on the member's point-account
 * workflow, started on first use (update-with-start). The account serializes them (docs/architecture.md).
 */
import { ApplicationFailure } from '@temporalio/common';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  activatePendingPoints,
  adjustPoints,
  getPointAccount,
  grantPendingPoints,
  pointsAccountWorkflowId,
  releasePoints,
  reservePoints,
  revokePendingPoints,
  spendReservedPoints,
  type PointAccountView,
} from '../workflows/points/definitions.js';
import type { pointsAccountWorkflow } from '../workflows/index.js';

export interface PointsDeps {
  client: Client;
  taskQueue: string;
}

/** Runs an update on a member's point account, starting the account if it does not exist yet. */
export async function updatePointAccount<Ret, Arg>(
  deps: PointsDeps,
  memberId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof pointsAccountWorkflow>('pointsAccountWorkflow', {
    workflowId: pointsAccountWorkflowId(memberId),
    taskQueue: deps.taskQueue,
    args: [{ memberId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  try {
    return await deps.client.workflow.executeUpdateWithStart(update, {
      args: [arg],
      startWorkflowOperation,
    });
  } catch (error) {
    // A refusal by the account (e.g. insufficient points) is a business answer: pass it on as such.
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      throw ApplicationFailure.create({
        type: error.cause.type ?? 'Points.Refused',
        message: error.cause.message,
        nonRetryable: true,
        details: error.cause.details as unknown[],
      });
    }
    throw error;
  }
}

/** The account as the member sees it; a member who never had points has an empty account. */
export async function readPointAccount(client: Client, memberId: string): Promise<PointAccountView> {
  try {
    return await client.workflow.getHandle(pointsAccountWorkflowId(memberId)).query(getPointAccount);
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError')
      return { memberId, balance: 0, reserved: 0, available: 0, pending: 0 };
    throw error;
  }
}

export function createPointsActivities(deps: PointsDeps) {
  return {
    pointsBalance: (memberId: string) => readPointAccount(deps.client, memberId),
    reservePoints: (input: { memberId: string; orderId: string; points: number }) =>
      updatePointAccount(deps, input.memberId, reservePoints, { orderId: input.orderId, points: input.points }),
    releasePoints: (input: { memberId: string; orderId: string }) =>
      updatePointAccount(deps, input.memberId, releasePoints, { orderId: input.orderId }),
    spendReservedPoints: (input: { memberId: string; orderId: string; points: number }) =>
      updatePointAccount(deps, input.memberId, spendReservedPoints, { orderId: input.orderId, points: input.points }),
    grantPendingPoints: (input: { memberId: string; orderId: string; points: number }) =>
      updatePointAccount(deps, input.memberId, grantPendingPoints, { orderId: input.orderId, points: input.points }),
    activatePendingPoints: (input: { memberId: string; orderId: string }) =>
      updatePointAccount(deps, input.memberId, activatePendingPoints, { orderId: input.orderId }),
    revokePendingPoints: (input: { memberId: string; orderId: string }) =>
      updatePointAccount(deps, input.memberId, revokePendingPoints, { orderId: input.orderId }),
    adjustPoints: (input: { memberId: string; key: string; points: number; reason: string }) =>
      updatePointAccount(deps, input.memberId, adjustPoints, {
        key: input.key,
        points: input.points,
        reason: input.reason,
      }),
  };
}
