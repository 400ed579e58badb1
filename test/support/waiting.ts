/**
 * Waiting for a workflow by what it does, never by the wall clock: its view reaching a state, or its
 * history showing nothing left in flight.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { getOrder, type OrderView } from '../../workflows/order/definitions.js';
import { eventually } from './servers.js';

/** Reads the order until `check` accepts it (activities run in real time even when timers are skipped). */
export async function untilOrder(
  handle: WorkflowHandle,
  check: (view: OrderView) => boolean,
  timeoutMs = 10_000,
): Promise<OrderView> {
  return eventually(() => handle.query(getOrder), check, timeoutMs);
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Every workflow task and activity the history has scheduled has finished. Read from the history:
 * the time-skipping test server's DescribeWorkflowExecution never reports a pending workflow task.
 */
export function quiet(events: readonly HistoryEvent[]): boolean {
  let workflowTasks = 0;
  let activities = 0;
  for (const e of events) {
    if (e.workflowTaskScheduledEventAttributes) workflowTasks += 1;
    if (
      e.workflowTaskCompletedEventAttributes ||
      e.workflowTaskFailedEventAttributes ||
      e.workflowTaskTimedOutEventAttributes
    )
      workflowTasks -= 1;
    if (e.activityTaskScheduledEventAttributes) activities += 1;
    if (
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes
    )
      activities -= 1;
  }
  return workflowTasks === 0 && activities === 0;
}

/** The history ends with the workflow's close (completed, failed, terminated, …). */
export function closed(events: readonly HistoryEvent[]): boolean {
  const last = events.at(-1);
  return (
    last !== undefined &&
    Boolean(
      last.workflowExecutionCompletedEventAttributes ??
      last.workflowExecutionFailedEventAttributes ??
      last.workflowExecutionTerminatedEventAttributes ??
      last.workflowExecutionCanceledEventAttributes ??
      last.workflowExecutionTimedOutEventAttributes ??
      last.workflowExecutionContinuedAsNewEventAttributes,
    )
  );
}

/**
 * Waits until the workflow has handled everything sent to it so far (signals included): no workflow
 * task and no activity in flight. For asserting that something did *not* change.
 */
export async function untilQuiet(handle: WorkflowHandle, timeoutMs = 10_000): Promise<void> {
  const history = await eventually(
    () => handle.fetchHistory(),
    (h) => quiet(h.events ?? []),
    timeoutMs,
  );
  if (!quiet(history.events ?? [])) throw new Error(`${handle.workflowId} still busy after ${timeoutMs} ms`);
}
