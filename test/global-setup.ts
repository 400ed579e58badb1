/**
 * Starts the real servers once per test run — a Temporal dev server (in memory, the order search
 * attributes registered), the database and the SMTP catcher — and hands their addresses to the test
 * files. TEMPORAL_ADDRESS / MONGODB_URI, when set, are used instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config/index.js';
import {
  freePort,
  startDatabase,
  startMailCatcher,
  startTemporalDevServer,
  type RunningService,
} from '../scripts/services.js';
import { resolveTools } from '../scripts/tools.js';
import { searchAttributeCliSpecs } from '../workflows/search-attributes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    temporalCliPath: string | undefined;
    temporalTestServerPath: string | undefined;
    mongoUri: string;
    /** The run's SMTP catcher: where the tests' mailers send. */
    smtpUrl: string;
    /** Its web inbox and REST API (test/support/mail.ts reads the mails from it). */
    mailInboxUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const tools = await resolveTools({ config, childEnv: process.env, say: (line) => console.log(line) });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'orders-test-'));
  const services: RunningService[] = [];
  let starting: Promise<RunningService> | undefined;
  try {
    // maildev takes a few seconds to start: it comes up while Temporal and the database do.
    const mailStart = startMailCatcher({
      smtpPort: await freePort(),
      uiPort: await freePort(),
      dataDir: path.join(scratch, 'mail'),
      logFile: path.join(scratch, 'mail.log'),
    });
    starting = mailStart;
    // Its failure is reported where it is awaited below, not as an unhandled rejection meanwhile.
    mailStart.catch(() => undefined);
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
    const mail = await mailStart;
    services.push(mail);

    project.provide('temporalAddress', temporal?.address ?? config.temporal.address);
    project.provide('temporalNamespace', config.temporal.namespace);
    project.provide('temporalCliPath', tools.temporalCli.path);
    project.provide('temporalTestServerPath', tools.temporalTestServer.path);
    project.provide('mongoUri', database.address);
    project.provide('smtpUrl', mail.address);
    project.provide('mailInboxUrl', mail.inboxUrl);
  } catch (error) {
    // Another server failed while the catcher was still coming up: it is stopped too.
    const mail = await starting?.catch(() => undefined);
    if (mail !== undefined && !services.includes(mail)) services.push(mail);
    await stopAll(services, scratch);
    throw error;
  }
  return () => stopAll(services, scratch);
}

async function stopAll(services: RunningService[], scratch: string): Promise<void> {
  for (const service of services.reverse()) await service.stop();
  await rm(scratch, { recursive: true, force: true });
}
