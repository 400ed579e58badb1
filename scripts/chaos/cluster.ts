/**
 * The stack as separate processes the chaos run can kill and restart one by one (the dev stack stops
 * everything when a child dies): Temporal dev server (SQLite file), FerretDB (data dir), SMTP catcher,
 * emulator, worker, API — on free ports with a scratch data folder. The worker and the API are supervised like
 * a process manager would: an unexpected exit restarts them (counted).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { NOTIFICATION_PATH } from '../../api/notifications.js';
import { loadConfig, type AppConfig } from '../../config/index.js';
import { connectDatabase, type Database } from '../../db/connection.js';
import { seedCatalog } from '../../db/seed.js';
import type { stackSelfCheck } from '../../workflows/index.js';
import { searchAttributeCliSpecs } from '../../workflows/search-attributes.js';
import { dataConverterOf } from '../bench/orders.js';
import {
  freePort,
  isPortOpen,
  spawnGroup,
  startDatabase,
  startMailCatcher,
  startTemporalDevServer,
  waitFor,
  type RunningService,
  type SpawnedProcess,
} from '../services.js';
import { resolveTools, type Tools } from '../tools.js';

export type AppProcess = 'emulator' | 'worker' | 'api';
const ENTRIES: Record<AppProcess, string> = {
  emulator: 'emulator/main.ts',
  worker: 'worker/main.ts',
  api: 'api/main.ts',
};

export interface ClusterOptions {
  appDir?: string;
  say?: (line: string) => void;
}

export class Cluster {
  readonly restarts: Record<AppProcess, number> = { emulator: 0, worker: 0, api: 0 };
  config!: AppConfig;
  env!: NodeJS.ProcessEnv;
  apiUrl = '';
  emulatorUrl = '';
  database!: Database;
  client!: Client;
  private connection: Connection | undefined;
  private tools!: Tools;
  private dataDir = '';
  private ports = { temporal: 0, mongo: 0, api: 0, emulator: 0, mailSmtp: 0, mailUi: 0 };
  private temporal: RunningService | undefined;
  private db: RunningService | undefined;
  /** Where the orders' mails go (the chaos run does not kill it). */
  private mail: RunningService | undefined;
  private readonly apps = new Map<AppProcess, SpawnedProcess>();
  /** Processes we stopped on purpose (no supervisor restart). */
  private readonly intended = new Set<AppProcess>();
  private closing = false;
  private readonly appDir: string;
  private readonly say: (line: string) => void;

  constructor(options: ClusterOptions = {}) {
    this.appDir = path.resolve(options.appDir ?? '.');
    this.say = options.say ?? (() => undefined);
  }

  get logDir(): string {
    return path.join(this.dataDir, 'logs');
  }

  async start(): Promise<void> {
    this.dataDir = await mkdtemp(path.join(os.tmpdir(), 'chaos-stack-'));
    await mkdir(this.logDir, { recursive: true });
    this.ports = {
      temporal: await freePort(),
      mongo: await freePort(),
      api: await freePort(),
      emulator: await freePort(),
      mailSmtp: await freePort(),
      mailUi: await freePort(),
    };
    this.apiUrl = `http://127.0.0.1:${this.ports.api}`;
    this.emulatorUrl = `http://127.0.0.1:${this.ports.emulator}`;
    this.env = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: this.dataDir,
      TOOLS_DIR: path.resolve('.tools'),
      TEMPORAL_ADDRESS: `127.0.0.1:${this.ports.temporal}`,
      MONGODB_URI: `mongodb://127.0.0.1:${this.ports.mongo}/amazon_pay_orders`,
      API_PORT: String(this.ports.api),
      EMULATOR_PORT: String(this.ports.emulator),
      AMAZON_PAY_EMULATOR_URL: this.emulatorUrl,
      PUBLIC_BASE_URL: this.apiUrl,
      EMULATOR_NOTIFICATION_URL: `${this.apiUrl}${NOTIFICATION_PATH}`,
      EMULATOR_PENDING_AUTH_DELAY_MS: '1000',
      WORKER_METRICS_ADDRESS: 'off',
      WORKER_HEALTH_ADDRESS: 'off',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      // The fuzzer's many refused sign-ins come from one address.
      STAFF_SIGN_IN_FAILURES_PER_IP: '1000000',
      SMTP_URL: `smtp://127.0.0.1:${this.ports.mailSmtp}`,
    };
    this.config = loadConfig(this.env);
    this.tools = await resolveTools({
      config: loadConfig({ ...this.env, TEMPORAL_ADDRESS: '', MONGODB_URI: '' }),
      childEnv: process.env,
      install: false,
    });
    this.mail = await startMailCatcher({
      smtpPort: this.ports.mailSmtp,
      uiPort: this.ports.mailUi,
      dataDir: path.join(this.dataDir, 'mail'),
      logFile: path.join(this.logDir, 'mail.log'),
    });
    await this.startTemporal();
    await this.startDatabase();
    this.database = await connectDatabase(this.config.mongo.uri, { dbName: this.config.mongo.dbName });
    await seedCatalog(this.database.models);
    this.startApp('emulator');
    this.startApp('worker');
    this.startApp('api');
    await this.waitApi(120_000);
    this.connection = await Connection.connect(this.config.temporal.connection);
    const dataConverter = await dataConverterOf(this.appDir, this.config);
    this.client = new Client({
      connection: this.connection,
      namespace: this.config.temporal.namespace,
      ...(dataConverter === undefined ? {} : { dataConverter }),
    });
    await this.selfCheck();
  }

  /** A workflow through the worker to the database: the worker is polling. */
  async selfCheck(timeoutMs = 120_000): Promise<void> {
    const id = `chaos-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    await this.client.workflow.execute<typeof stackSelfCheck>('stackSelfCheck', {
      args: [id],
      taskQueue: this.config.temporal.taskQueue,
      workflowId: `self-check:${id}`,
      workflowExecutionTimeout: `${Math.round(timeoutMs / 1000)} seconds`,
    });
  }

  async waitApi(timeoutMs: number): Promise<void> {
    let last = 'no answer';
    await waitFor(
      'API /healthz',
      async () => {
        try {
          const response = await fetch(`${this.apiUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
          last = `${response.status} ${await response.text()}`;
          return response.ok;
        } catch (error) {
          last = (error as Error).message;
          return false;
        }
      },
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${last}`);
    });
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startTemporalDevServer({
      cliPath: this.tools.temporalCli.path,
      port: this.ports.temporal,
      dbFile: path.join(this.dataDir, 'temporal', 'temporal.db'),
      searchAttributes: searchAttributeCliSpecs(),
      namespace: this.config.temporal.namespace,
      logFile: path.join(this.logDir, 'temporal.log'),
    });
  }

  async stopTemporal(): Promise<void> {
    await this.temporal?.stop();
    this.temporal = undefined;
  }

  /** Starts the database on its port and data; like a process manager, tries three times, saying why. */
  async startDatabase(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        this.db = await startDatabase({
          tool: this.tools.database,
          port: this.ports.mongo,
          dataDir: path.join(this.dataDir, 'db'),
          dbName: this.config.mongo.dbName,
          logFile: path.join(this.logDir, 'database.log'),
        });
        return;
      } catch (error) {
        this.say(`database start ${attempt} failed: ${(error as Error).message}\n${await this.logTail('database')}`);
        if (attempt === 3) throw error;
        await sleep(2000);
      }
    }
  }

  async stopDatabase(): Promise<void> {
    await this.db?.stop();
    this.db = undefined;
    await waitFor('database port closed', async () => !(await isPortOpen(this.ports.mongo)), 10_000);
  }

  startApp(name: AppProcess): void {
    this.intended.delete(name);
    const proc = spawnGroup(process.execPath, ['--import', 'tsx', ENTRIES[name]], {
      cwd: this.appDir,
      env: this.env,
      logFile: path.join(this.logDir, `${name}.log`),
    });
    this.apps.set(name, proc);
    proc.child.once('exit', (code, signal) => {
      if (this.closing || this.intended.has(name) || this.apps.get(name) !== proc) return;
      // A process manager restarts a crashed server; the chaos table counts it.
      this.restarts[name] += 1;
      this.say(`${name} exited (${code ?? signal}); restarting it`);
      setTimeout(() => {
        if (!this.closing && this.apps.get(name) === proc) this.startApp(name);
      }, 500);
    });
  }

  /** SIGKILL (no graceful shutdown): the process and its group. */
  async kill(name: AppProcess): Promise<void> {
    const proc = this.apps.get(name);
    if (proc === undefined) return;
    this.intended.add(name);
    const exited = new Promise<void>((resolve) => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) resolve();
      else proc.child.once('exit', () => resolve());
    });
    try {
      process.kill(-(proc.child.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
    await exited;
  }

  async stopApp(name: AppProcess): Promise<void> {
    this.intended.add(name);
    await this.apps.get(name)?.stop();
  }

  isRunning(name: AppProcess): boolean {
    const proc = this.apps.get(name);
    return proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null;
  }

  async setFaults(faults: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.emulatorUrl}/__emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    if (!response.ok) throw new Error(`emulator faults: ${response.status} ${await response.text()}`);
  }

  async clearFaults(): Promise<void> {
    await this.setFaults({
      throttle: 'off',
      serverErrorRate: 0,
      latencyRate: 0,
      latencyMs: 0,
      calls: [],
      duplicateNotifications: false,
    });
  }

  /** The last lines of a process's log (for failure reports). */
  async logTail(name: string, lines = 15): Promise<string> {
    try {
      const text = await readFile(path.join(this.logDir, `${name}.log`), 'utf8');
      return text
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .map((line) => `  ${name}.log| ${line}`)
        .join('\n');
    } catch {
      return `  ${name}.log| (none)`;
    }
  }

  /** How often a text occurs in a process's log (e.g. TooManyRequests in the worker's). */
  async countInLog(name: string, text: string): Promise<number> {
    try {
      return (await readFile(path.join(this.logDir, `${name}.log`), 'utf8')).split(text).length - 1;
    } catch {
      return 0;
    }
  }

  async close(keep = false): Promise<void> {
    this.closing = true;
    await this.connection?.close().catch(() => undefined);
    await this.database?.close().catch(() => undefined);
    for (const name of ['api', 'worker', 'emulator'] as const) await this.apps.get(name)?.stop();
    await this.db?.stop();
    await this.temporal?.stop();
    await this.mail?.stop();
    await sleep(100);
    if (!keep) await rm(this.dataDir, { recursive: true, force: true });
    else this.say(`data and logs kept in ${this.dataDir}`);
  }
}
