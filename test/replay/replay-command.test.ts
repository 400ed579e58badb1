/**
 * `npm run replay` against histories made in this run: order workflows driven over HTTP to different
 * states on the run's Temporal dev server, then listed by a visibility query, fetched, decrypted and
 * replayed by the command's own function — once against the working tree's workflow code (all
 * replay), once against a different workflow of the same type name (each one reported with its
 * workflow id and the first history event the code did not reproduce).
 */
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orderWorkflowId } from '../../domain/ids.js';
import { replayCommand } from '../../scripts/replay-workflows.js';
import { opsToken, Shopper, startTestApi, type TestApi } from '../support/api.js';
import { finishCheckout, startCheckout } from '../support/checkout.js';
import { eventually } from '../support/servers.js';

const divergingWorkflows = fileURLToPath(new URL('./fixtures/diverging-order-workflow.ts', import.meta.url));

let api: TestApi;
let query: string;
const workflowIds: string[] = [];

async function ops(path: string, body: unknown) {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opsToken(api.config, 'operator')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function placedOrder(): Promise<string> {
  const shopper = new Shopper(api.url);
  const run = await startCheckout(shopper, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }]);
  const completed = await finishCheckout(shopper, api.emulatorUrl, run);
  expect(completed.body.order.status).toBe('Placed');
  return run.orderId;
}

beforeAll(async () => {
  api = await startTestApi('replay_command', { worker: true });
  // Four orders in four states: at Amazon (open), placed (open), captured (open), canceled (closed).
  const atAmazon = await startCheckout(new Shopper(api.url), api.emulatorUrl, [{ productId: 'kyusu', quantity: 1 }]);
  const placed = await placedOrder();
  const captured = await placedOrder();
  await ops(`/ops/orders/${captured}/capture`, {});
  const canceled = await placedOrder();
  await ops(`/ops/orders/${canceled}/cancel`, { reason: 'replay test' });
  workflowIds.push(...[atAmazon.orderId, placed, captured, canceled].map(orderWorkflowId));
  // The test API's worker has a task queue of its own: the query selects exactly these.
  query = `TaskQueue = '${api.config.temporal.taskQueue}'`;
  const listed = await eventually(
    () => api.client.workflow.count(query),
    ({ count }) => count === workflowIds.length,
  );
  expect(listed.count).toBe(workflowIds.length);
}, 120_000);

afterAll(async () => {
  await api?.close();
});

const env = () => ({
  NODE_ENV: 'test',
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_NAMESPACE: inject('temporalNamespace'),
});

/** `UpsertWorkflowSearchAttributes` for EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES (the core's spelling). */
function eventTypeName(type: temporal.api.enums.v1.EventType | null | undefined): string {
  return (temporal.api.enums.v1.EventType[type ?? 0] ?? '')
    .replace(/^EVENT_TYPE_/, '')
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('');
}

describe('npm run replay on histories made in this run', () => {
  it("replays every order workflow the query selects on the working tree's code, and says how fast", async () => {
    const { exitCode, report, output } = await replayCommand(['--query', query], env());
    expect(report.failures).toEqual([]);
    expect(report.histories).toBe(workflowIds.length);
    expect(exitCode).toBe(0);
    expect(output).toContain(`replayed ${workflowIds.length} in`);
    expect(output).toMatch(/\d+ histories\/s/);
    expect(output).toContain('OK: every history replays on this code');
  });

  it('--limit caps how many are replayed', async () => {
    const { exitCode, report } = await replayCommand(['--query', query, '--limit', '2'], env());
    expect(report.histories).toBe(2);
    expect(exitCode).toBe(0);
  });

  it('reports nondeterminism with the workflow id and the first diverging event, and exits non-zero', async () => {
    const { exitCode, report, output } = await replayCommand(
      ['--query', query, '--workflows', divergingWorkflows],
      env(),
    );
    expect(exitCode).toBe(1);
    expect(report.histories).toBe(workflowIds.length);
    expect(report.failures.map((failure) => failure.workflowId).sort()).toEqual([...workflowIds].sort());
    for (const failure of report.failures) {
      expect(failure.kind).toBe('nondeterminism');
      // The diverging event is the history's first command: the first event after the first
      // completed workflow task (the other workflow starts a timer there instead).
      const history = await api.client.workflow.getHandle(failure.workflowId, failure.runId).fetchHistory();
      const events = history.events ?? [];
      const firstCompleted = events.findIndex(
        (event) => event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      );
      const firstCommand = events[firstCompleted + 1];
      expect(failure.event).toEqual({
        id: Number(firstCommand?.eventId),
        type: eventTypeName(firstCommand?.eventType),
      });
      expect(output).toContain(
        `nondeterminism in ${failure.workflowId} (run ${failure.runId}): first diverging event ${failure.event?.id} ${failure.event?.type}`,
      );
    }
    expect(output).toContain(`FAILED: ${workflowIds.length} of ${workflowIds.length} histories do not replay`);
  });
});
