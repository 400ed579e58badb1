/** What the bench and the no-op workflow share (the bench imports no workflow code). */
import { defineUpdate } from '@temporalio/workflow';

export interface NoopShape {
  updates: number;
  activities: number;
  localActivities: number;
}

export interface NoopActivities {
  noop(): Promise<void>;
}

/** One step of the no-op order: runs its share of the activities. */
export const noopStep = defineUpdate<number>('noopStep');
