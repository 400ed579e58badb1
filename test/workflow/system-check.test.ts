import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemCheckActivities } from '../../activities/system-check.js';
import type { Database } from '../../db/connection.js';
import { createWorker } from '../../worker/worker.js';
import {
  createTimeSkippingEnv,
  dropTestDatabase,
  openTestDatabase,
  testDataConverter,
  uniqueTaskQueue,
} from '../support/servers.js';

describe('harness: workflow + activity + database on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  let database: Database;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await openTestDatabase('system_check_ts');
  });
  afterAll(async () => {
    await env?.teardown();
    if (database !== undefined) await dropTestDatabase(database);
  });

  it('runs stackSelfCheck, whose activity writes one row to the database', async () => {
    const taskQueue = uniqueTaskQueue('self-check');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activities: createSystemCheckActivities({ models: database.models }),
      dataConverter: testDataConverter,
    });
    const result = await worker.runUntil(
      env.client.workflow.execute('stackSelfCheck', { args: ['ts-1'], taskQueue, workflowId: 'self-check:ts-1' }),
    );
    expect(result).toMatchObject({ checkId: 'ts-1', recordedBy: 'self-check:ts-1' });
    const rows = await database.models.SystemCheck.find({ checkId: 'ts-1' }).lean();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ workflowId: 'self-check:ts-1', attempts: 1 });
  });
});
