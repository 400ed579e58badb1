/** Access for test files to the servers started by `test/global-setup.ts`. */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { orderSearchAttributes } from '../../workflows/search-attributes.js';
import { loadConfig } from '../../config/index.js';
import { connectDatabase, type Database } from '../../db/connection.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { INDEXED_VALUE_TYPE } from '../../worker/temporal-setup.js';

/** The payload codec of the tests' clients and workers (the dev-only key, as in the test config). */
export const testDataConverter = createDataConverter(loadConfig({ NODE_ENV: 'test' }));

/** A URI for a database of its own (unique name) on the run's server. */
function uniqueDatabaseUri(label: string): string {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/${label.replace(/[^A-Za-z0-9_]/g, '_')}_${randomUUID().slice(0, 8)}`;
  return url.toString();
}

/** Connects to a fresh database; drop it with `dropTestDatabase`. */
export async function openTestDatabase(label: string): Promise<Database> {
  return connectDatabase(uniqueDatabaseUri(label));
}

export async function dropTestDatabase(database: Database): Promise<void> {
  await database.connection.dropDatabase();
  await database.close();
}

/**
 * A time-skipping environment on the provisioned test server (the SDK download only as a last resort),
 * with the order search attributes registered as on the dev server.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const executablePath = inject('temporalTestServerPath');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter: testDataConverter },
    ...(executablePath === undefined
      ? {}
      : { server: { executable: { type: 'existing-path', path: executablePath } } }),
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(orderSearchAttributes.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
  });
  return env;
}

export function uniqueTaskQueue(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Retries `read` until `done` accepts its value (for writes that land just after a response, like audit rows). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
