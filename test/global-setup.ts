/**
 * Starts the real servers once per test run — a Temporal dev server (in memory, the order search
 * attributes registered) and the database — and hands their addresses to the test files.
 * TEMPORAL_ADDRESS / MONGODB_URI, when set, are used instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config/index.js';
import { freePort, startDatabase, startTemporalDevServer, type RunningService } from '../scripts/services.js';
import { resolveTools } from '../scripts/tools.js';
import { searchAttributeCliSpecs } from '../workflows/search-attributes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    temporalCliPath: string | undefined;
    temporalTestServerPath: string | undefined;
    mongoUri: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const tools = await resolveTools({ config, childEnv: process.env, say: (line) => console.log(line) });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'orders-test-'));
  const services: RunningService[] = [];
  try {
    const temporal =
      config.temporal.externalAddress === undefined
        ? await startTemporalDevServer({
            cliPath: tools.temporalCli.path,
            port: await freePort(),
            searchAttributes: searchAttributeCliSpecs(),
            namespace: config.temporal.namespace,
            logFile: path.join(scratch, 'temporal.log'),
          })
        : undefined;
    if (temporal !== undefined) services.push(temporal);
    const database = await startDatabase({
      tool: tools.database,
      port: await freePort(),
      dataDir: path.join(scratch, 'db'),
      dbName: 'test',
      logFile: path.join(scratch, 'database.log'),
    });
    services.push(database);

    project.provide('temporalAddress', temporal?.address ?? config.temporal.address);
    project.provide('temporalNamespace', config.temporal.namespace);
    project.provide('temporalCliPath', tools.temporalCli.path);
    project.provide('temporalTestServerPath', tools.temporalTestServer.path);
    project.provide('mongoUri', database.address);
  } catch (error) {
    await stopAll(services, scratch);
    throw error;
  }
  return () => stopAll(services, scratch);
}

async function stopAll(services: RunningService[], scratch: string): Promise<void> {
  for (const service of services.reverse()) await service.stop();
  await rm(scratch, { recursive: true, force: true });
}
