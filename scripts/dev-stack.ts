/**
 * `npm start`: the whole local stack in the foreground — Temporal dev server with its Web UI and the
 * order search attributes, the database, the SMTP catcher with its web inbox, the worker and the API —
 * then a self-check workflow that proves worker → activity → database. Ctrl-C stops everything it
 * started. Data lives in DATA_DIR.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { CODEC_PATH } from '../api/codec-server.js';
import { NOTIFICATION_PATH } from '../api/notifications.js';
import { loadConfig } from '../config/index.js';
import { connectDatabase } from '../db/connection.js';
import { seedCatalog } from '../db/seed.js';
import { createDataConverter } from '../worker/data-converter.js';
import type { stackSelfCheck } from '../workflows/index.js';
import { searchAttributeCliSpecs } from '../workflows/search-attributes.js';
import {
  isPortOpen,
  spawnGroup,
  startDatabase,
  startMailCatcher,
  startTemporalDevServer,
  waitFor,
  type RunningMailCatcher,
  type RunningService,
  type SpawnedProcess,
} from './services.js';
import { DEMO_MEMBER, ensureDemoMember } from './demo-member.js';
import { DEMO_STAFF, ensureDemoStaff } from './demo-staff.js';
import { redactUri, resolveTools } from './tools.js';

const config = loadConfig(process.env);
const say = (line: string) => console.log(`[stack] ${line}`);
const dataDir = path.resolve(config.dataDir);
const logDir = path.join(dataDir, 'logs');
await mkdir(logDir, { recursive: true });

/** What this launcher started, in start order; shutdown stops it in reverse. */
const started: { name: string; stop(): Promise<void> }[] = [];
/** Interrupts the start-up at its next step once shutdown has begun. */
class Interrupted extends Error {}
/** Set once shutdown begins: every later call (a repeated Ctrl-C, SIGTERM, a child's exit, a start-up failure) joins it. */
let stopping: Promise<never> | undefined;
let startupSettled = () => {};
/** Settles when the start-up has finished or given up, so that every service it started is in `started`. */
const startup = new Promise<void>((resolve) => (startupSettled = resolve));

/** Throws once shutdown has begun: start-up starts nothing more. */
function checkpoint(): void {
  if (stopping !== undefined) throw new Interrupted('interrupted');
}

/**
 * Stops everything this launcher started, once, however often it is asked: a terminal's Ctrl-C
 * reaches this process more than once (the whole foreground group gets SIGINT; npm and tsx relay
 * signals to their child too), and any further signal must not end the process half-way.
 */
function stopAll(exitCode: number): Promise<never> {
  stopping ??= (async () => {
    say('stopping …');
    // A service the start-up is bringing up right now is stopped too, once it is in `started`.
    await startup;
    for (let service = started.pop(); service !== undefined; service = started.pop()) {
      await service.stop().catch((error: unknown) => say(`${service.name}: stop failed: ${String(error)}`));
      say(`${service.name} stopped`);
    }
    process.exit(exitCode);
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping !== undefined) say(`${signal}: already stopping, every service is stopped before exit`);
    void stopAll(0);
  });
}

async function refuseBusyPort(port: number, what: string, hint: string): Promise<void> {
  if (await isPortOpen(port)) throw new Error(`port ${port} (${what}) is already in use: ${hint}`);
}

function spawnApp(name: string, entry: string, env: NodeJS.ProcessEnv): SpawnedProcess {
  const proc = spawnGroup(process.execPath, ['--import', 'tsx', entry], { env, inheritOutput: true });
  proc.child.once('exit', (code, signal) => {
    if (stopping === undefined) {
      say(`${name} exited unexpectedly (${code ?? signal}); stopping the stack`);
      void stopAll(1);
    }
  });
  started.push({ name, stop: () => proc.stop() });
  return proc;
}

async function seedDemoData(uri: string) {
  const database = await connectDatabase(uri);
  try {
    return await seedCatalog(database.models);
  } finally {
    await database.close();
  }
}

try {
  const tools = await resolveTools({ config, childEnv: process.env, say });
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  // The API serves the codec server; the UI decrypts payloads through it for signed-in staff.
  const codecUrl = `${apiUrl}${CODEC_PATH}`;

  // The SMTP catcher takes a few seconds to start: it comes up while Temporal and the database do.
  let mailStart: Promise<RunningMailCatcher> | undefined;
  checkpoint();
  if (config.mail.externalSmtpUrl === undefined) {
    const { smtpPort, uiPort } = config.mail.catcher;
    await refuseBusyPort(smtpPort, 'mail catcher SMTP', 'set MAIL_CATCHER_SMTP_PORT, or SMTP_URL to send elsewhere');
    await refuseBusyPort(uiPort, 'mail catcher inbox', 'set MAIL_CATCHER_UI_PORT');
    const starting = startMailCatcher({
      smtpPort,
      uiPort,
      dataDir: path.join(dataDir, 'mail'),
      logFile: path.join(logDir, 'mail.log'),
    });
    // A failure is reported where it is awaited (after the database), not as an unhandled rejection.
    starting.catch(() => undefined);
    mailStart = starting;
    started.push({
      name: 'mail',
      stop: async () => {
        await (await starting.catch(() => undefined))?.stop();
      },
    });
  }

  let temporal: RunningService | undefined;
  checkpoint();
  if (config.temporal.externalAddress === undefined) {
    await refuseBusyPort(config.temporal.port, 'Temporal', 'stop the other server or set TEMPORAL_ADDRESS to use it');
    await refuseBusyPort(config.temporal.uiPort, 'Temporal UI', 'set TEMPORAL_UI_PORT');
    temporal = await startTemporalDevServer({
      cliPath: tools.temporalCli.path,
      port: config.temporal.port,
      uiPort: config.temporal.uiPort,
      dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
      searchAttributes: searchAttributeCliSpecs(),
      namespace: config.temporal.namespace,
      logFile: path.join(logDir, 'temporal.log'),
      uiCodecEndpoint: codecUrl,
    });
    started.push(temporal);
    checkpoint();
    say(
      `Temporal dev server up at ${temporal.address} (data: ${path.join(config.dataDir, 'temporal', 'temporal.db')})`,
    );
  }

  if (config.mongo.externalUri === undefined) {
    await refuseBusyPort(config.mongo.port, 'database', 'stop the other server or set MONGODB_URI to use it');
  }
  const database = await startDatabase({
    tool: tools.database,
    port: config.mongo.port,
    dataDir: path.join(dataDir, tools.database.kind === 'ferretdb' ? 'ferretdb' : 'mongod'),
    dbName: config.mongo.dbName,
    logFile: path.join(logDir, 'database.log'),
  });
  started.push(database);
  checkpoint();
  say(`database up (${tools.database.kind})`);
  const mail = await mailStart;
  checkpoint();
  if (mail !== undefined) say(`mail catcher up (maildev), SMTP at ${mail.address}`);

  const seeded = await seedDemoData(database.address);
  checkpoint();
  say(`demo catalog loaded (${seeded.products} products, ${seeded.coupons} coupons)`);

  await refuseBusyPort(config.api.port, 'API', 'set API_PORT');
  await refuseBusyPort(config.emulator.port, 'Amazon Pay emulator', 'set EMULATOR_PORT (and AMAZON_PAY_EMULATOR_URL)');
  const workerMetricsPort = Number(config.worker.metricsAddress?.split(':').pop());
  if (config.worker.metricsAddress !== undefined)
    await refuseBusyPort(workerMetricsPort, 'worker metrics', 'set WORKER_METRICS_ADDRESS (or off)');
  if (config.worker.healthAddress !== undefined)
    await refuseBusyPort(
      Number(config.worker.healthAddress.split(':').pop()),
      'worker health',
      'set WORKER_HEALTH_ADDRESS (or off)',
    );
  checkpoint();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: config.temporal.address,
    MONGODB_URI: database.address,
    ...(mail === undefined ? {} : { SMTP_URL: mail.address }),
    // The emulator notifies the API, as Amazon would.
    EMULATOR_NOTIFICATION_URL: config.emulator.notificationUrl ?? `${apiUrl}${NOTIFICATION_PATH}`,
  };
  spawnApp('emulator', 'emulator/main.ts', childEnv);
  spawnApp('worker', 'worker/main.ts', childEnv);
  spawnApp('api', 'api/main.ts', childEnv);

  await waitFor(
    'API /healthz',
    async () => {
      checkpoint();
      try {
        return (await fetch(`${apiUrl}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    60_000,
  );

  checkpoint();
  let demoStaff = false;
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: createDataConverter(config),
    });
    const checkId = `startup-${Date.now()}`;
    const result = await client.workflow.execute<typeof stackSelfCheck>('stackSelfCheck', {
      args: [checkId],
      taskQueue: config.temporal.taskQueue,
      workflowId: `self-check:${checkId}`,
      workflowExecutionTimeout: '2 minutes',
    });
    say(`self-check passed: workflow ${result.recordedBy} wrote to the database`);
    const demoDatabase = await connectDatabase(database.address);
    try {
      await ensureDemoMember(demoDatabase, client, config.temporal.taskQueue);
      // Never into a database the stack did not start (MONGODB_URI): it may be a shop's own.
      if (config.mongo.externalUri === undefined) demoStaff = await ensureDemoStaff(demoDatabase);
    } finally {
      await demoDatabase.close();
    }
    say(`demo member: ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password} (${DEMO_MEMBER.points} points)`);
    if (demoStaff) say(`demo staff: ${DEMO_STAFF.login} / ${DEMO_STAFF.password} (${DEMO_STAFF.role})`);
  } finally {
    await connection.close();
  }
  checkpoint();
  startupSettled();

  console.log('');
  say('the stack is up (Ctrl-C stops it):');
  if (temporal !== undefined) say(`  Temporal Web UI   http://127.0.0.1:${config.temporal.uiPort}`);
  say(`  Temporal gRPC     ${config.temporal.address}`);
  say(`  storefront        ${apiUrl}/`);
  say(`  API               ${apiUrl}  (health: ${apiUrl}/healthz)`);
  say(`  API docs          ${apiUrl}/docs  (OpenAPI: ${apiUrl}/openapi.json)`);
  const signIn = demoStaff ? `demo staff ${DEMO_STAFF.login}` : 'a staff account (npm run ops:user -- add …)';
  say(`  ops console       ${apiUrl}/ops/  (sign in with ${signIn})`);
  say(`  codec server      ${codecUrl}  (UI decryption: the same staff sign-in, at ${codecUrl}/login or /ops/login)`);
  say(`  API metrics       ${apiUrl}/metrics  (ops bearer token)`);
  if (config.worker.metricsAddress !== undefined)
    say(`  worker metrics    http://${config.worker.metricsAddress}/metrics`);
  if (config.worker.healthAddress !== undefined)
    say(`  worker health     http://${config.worker.healthAddress}/readyz`);
  say(`  Amazon Pay emulator ${config.amazonPay.emulatorUrl}`);
  if (mail !== undefined)
    say(`  mail inbox        ${mail.inboxUrl}  (every mail the shop sends; SMTP ${mail.address})`);
  else say(`  mail              ${redactUri(config.mail.smtpUrl)}`);
  say(`  database          ${redactUri(database.address)}`);
  say(`  logs              ${path.relative(process.cwd(), logDir)}/`);
} catch (error) {
  startupSettled();
  // Interrupted (or failed because of it): shutdown is under way already, with its exit code; stopAll joins it.
  if (stopping === undefined) say(`failed to start: ${(error as Error).message}`);
  await stopAll(1);
}
