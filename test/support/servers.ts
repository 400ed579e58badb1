/** Access for test files to the servers started by `test/global-setup.ts`. */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../db/connection.js';

/** A URI for a database of its own (unique name) on the run's server. */
export function uniqueDatabaseUri(label: string): string {
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

/** A time-skipping environment on the provisioned test server (the SDK download only as a last resort). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const executablePath = inject('temporalTestServerPath');
  return TestWorkflowEnvironment.createTimeSkipping(
    executablePath === undefined ? {} : { server: { executable: { type: 'existing-path', path: executablePath } } },
  );
}

export function uniqueTaskQueue(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
