import { WorkflowUpdateFailedError } from '@temporalio/client';
import { expect } from 'vitest';

/** An Update the workflow refused: its failure type, message and first detail. */
export interface Refusal {
  type: string | undefined;
  message: string;
  details: unknown;
}

/** Awaits an Update that must be refused and answers the refusal (fails the test if it went through). */
export async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as { type?: string; message: string; details?: unknown[] };
  return { type: cause.type, message: cause.message, details: cause.details?.[0] };
}
