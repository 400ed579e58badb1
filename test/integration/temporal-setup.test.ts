/**
 * `npm run temporal:setup` on a server that knows nothing of this service (a dev server started
 * without search attributes, standing in for a fresh cluster): the namespace is registered and every
 * order search attribute added with its type; a second run changes nothing. A wrong existing type is
 * refused by name rather than left for the first order to trip on.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort, startTemporalDevServer, type RunningService } from '../../scripts/services.js';
import { INDEXED_VALUE_TYPE, setUpTemporal } from '../../worker/temporal-setup.js';
import { orderSearchAttributes } from '../../workflows/search-attributes.js';

const run = promisify(execFile);

describe.skipIf(inject('temporalCliPath') === undefined)('temporal:setup on a bare server', () => {
  let server: RunningService;
  let connection: Connection;

  beforeAll(async () => {
    server = await startTemporalDevServer({
      cliPath: inject('temporalCliPath'),
      port: await freePort(),
      namespace: 'default',
      searchAttributes: [],
    });
    connection = await Connection.connect({ address: server.address });
  }, 90_000);

  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  async function customAttributes(namespace: string) {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.fromEntries(Object.entries(listed.customAttributes ?? {}).map(([k, v]) => [k, Number(v)]));
  }

  it('registers the namespace and adds the search attributes; a second run finds them all', async () => {
    const env = { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'shop-live' };
    const first = await run(process.execPath, ['--import', 'tsx', 'scripts/temporal-setup.ts'], { env });
    expect(first.stdout).toContain('namespace registered');
    expect(first.stdout).toContain(`search attributes added: ${orderSearchAttributes.map((k) => k.name).join(', ')}`);
    const attributes = await customAttributes('shop-live');
    for (const key of orderSearchAttributes) expect(attributes[key.name], key.name).toBe(INDEXED_VALUE_TYPE[key.type]);

    const second = await run(process.execPath, ['--import', 'tsx', 'scripts/temporal-setup.ts'], { env });
    expect(second.stdout).toContain('namespace exists');
    expect(second.stdout).toContain('search attributes added: none');
  }, 90_000);

  it('refuses an attribute that exists with another type, naming it', async () => {
    const namespace = 'shop-clash';
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    await eventuallyAdd(connection, namespace, { OrderTotal: INDEXED_VALUE_TYPE[SearchAttributeType.KEYWORD] });
    await expect(setUpTemporal(connection, namespace)).rejects.toThrow(/OrderTotal exists with another type/);
  }, 90_000);
});

/** A namespace registered a moment ago may not be known to the operator service yet. */
async function eventuallyAdd(connection: Connection, namespace: string, searchAttributes: Record<string, number>) {
  for (let attempt = 0; ; attempt++) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
      return;
    } catch (error) {
      if (attempt > 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
