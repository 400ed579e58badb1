/**
 * The engine's ceiling for the bench: a workflow of an order's shape that does nothing — the same
 * number of updates, activities and local activities as a real order, each activity empty.
 */
import { condition, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { noopStep, type NoopActivities, type NoopShape } from './definitions.js';

const remote = proxyActivities<NoopActivities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<NoopActivities>({ startToCloseTimeout: '30 seconds' });

/** Update i runs its share of the activities, so the totals match the real order's. */
const share = (total: number, updates: number, i: number) =>
  Math.floor((total * (i + 1)) / updates) - Math.floor((total * i) / updates);

export async function noopOrder(shape: NoopShape): Promise<void> {
  let done = 0;
  setHandler(noopStep, async () => {
    const i = done;
    for (let n = 0; n < share(shape.activities, shape.updates, i); n += 1) await remote.noop();
    for (let n = 0; n < share(shape.localActivities, shape.updates, i); n += 1) await local.noop();
    done += 1;
    return done;
  });
  await condition(() => done >= shape.updates);
}
