import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createSystemCheckActivities } from '../../activities/system-check.js';
import type { Database } from '../../db/connection.js';
import { createWorker } from '../../worker/worker.js';
import { dropTestDatabase, openTestDatabase, testDataConverter, uniqueTaskQueue } from '../support/servers.js';

describe('harness: workflow + activity + database on the Temporal dev server', () => {
  let database: Database;
  let nativeConnection: NativeConnection;
  let connection: Connection;

  beforeAll(async () => {
    database = await openTestDatabase('system_check_dev');
    nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
    if (database !== undefined) await dropTestDatabase(database);
  });

  it('records the check once even when the same workflow id is started twice', async () => {
    const taskQueue = uniqueTaskQueue('self-check');
    const namespace = inject('temporalNamespace');
    const client = new Client({ connection, namespace, dataConverter: testDataConverter });
    const worker = await createWorker({
      connection: nativeConnection,
      namespace,
      taskQueue,
      activities: createSystemCheckActivities({ models: database.models }),
      dataConverter: testDataConverter,
    });
    const workflowId = `self-check:${taskQueue}`;
    const [first, second] = await worker.runUntil(async () => {
      const handle = await client.workflow.start('stackSelfCheck', { args: ['dev-1'], taskQueue, workflowId });
      // A second start with the same business id must not run the work again.
      await expect(client.workflow.start('stackSelfCheck', { args: ['dev-1'], taskQueue, workflowId })).rejects.toThrow(
        /already started/i,
      );
      const result = await handle.result();
      return [result, await client.workflow.getHandle(workflowId).result()];
    });
    expect(first).toEqual(second);
    expect(first).toMatchObject({ checkId: 'dev-1', recordedBy: workflowId });
    expect(await database.models.SystemCheck.countDocuments({ checkId: 'dev-1' })).toBe(1);
  });
});
