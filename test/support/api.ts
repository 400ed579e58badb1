/**
 * The API for integration tests, wired like production: real database, real Temporal dev server,
 * the real Amazon Pay SDK talking HTTP to an in-process emulator, and SMTP to the run's mail catcher.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createAmazonPayClient, type AmazonPayClient } from '../../amazon-pay/index.js';
import { createApp, type AppDeps } from '../../api/app.js';
import { createAmazonSignInGateway } from '../../api/members/amazon-sign-in.js';
import { loadConfig, type AppConfig } from '../../config/index.js';
import type { Database } from '../../db/connection.js';
import { createEmulator, type Emulator, type RunningEmulator } from '../../emulator/app.js';
import { seedCatalog } from '../../db/seed.js';
import type { Mailer } from '../../mail/mailer.js';
import { testMailer } from './mail.js';
import { dropTestDatabase, openTestDatabase, testDataConverter, uniqueTaskQueue } from './servers.js';
import { createTestWorker, runInBackground } from './worker.js';

export interface TestApi {
  url: string;
  config: AppConfig;
  database: Database;
  temporal: Connection;
  emulator: Emulator;
  emulatorUrl: string;
  amazonPay: AmazonPayClient;
  /** SMTP to the run's catcher: read what it sent with test/support/mail.ts. */
  mailer: Mailer;
  /** A client on the dev server (the API's own). */
  client: Client;
  close(): Promise<void>;
}

export async function listen(app: ReturnType<typeof createApp>, port = 0): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

/**
 * Starts the API (and, with `worker: true`, an order worker on a task queue of its own) against the
 * run's Temporal dev server and database, with an in-process emulator and the demo catalog.
 */
export async function startTestApi(
  label: string,
  options: {
    env?: NodeJS.ProcessEnv;
    deps?: Partial<AppDeps>;
    worker?: boolean;
    emulator?: Parameters<typeof createEmulator>[0];
    /** Listen on this port (default: any free one); pair it with `env.PUBLIC_BASE_URL` when a browser follows Amazon's return URLs. */
    port?: number;
    /** Run against a time-skipping environment instead of the dev server (timers in HTTP tests). */
    timeSkipping?: TestWorkflowEnvironment;
    /** Where the API's and the worker's mail goes (default: the run's SMTP catcher). */
    smtpUrl?: string;
    /** The worker's Amazon queue rate (default: high enough never to slow a test). */
    amazonCallsPerSecond?: number;
  } = {},
): Promise<TestApi> {
  const database = await openTestDatabase(label);
  await seedCatalog(database.models);
  const emulator = createEmulator({ controlApi: true, pendingAuthDelayMs: 500, ...options.emulator });
  const running: RunningEmulator = await emulator.start(0, '127.0.0.1');
  const taskQueue = uniqueTaskQueue(label);
  // Test files drive many requests through one API: the storefront rate limit and the per-address
  // sign-in failures are raised unless a test sets them.
  const config = loadConfig({
    NODE_ENV: 'test',
    AMAZON_PAY_EMULATOR_URL: running.url,
    TEMPORAL_TASK_QUEUE: taskQueue,
    API_RATE_LIMIT_PER_MINUTE: '100000',
    STAFF_SIGN_IN_FAILURES_PER_IP: '100000',
    ...options.env,
  });
  const amazonPay = createAmazonPayClient(config, { emulatorUrl: running.url });
  const skipping = options.timeSkipping;
  const temporal = skipping?.connection ?? (await Connection.connect({ address: inject('temporalAddress') }));
  const client = new Client({
    connection: temporal,
    namespace: skipping?.namespace ?? config.temporal.namespace,
    dataConverter: testDataConverter,
  });
  const mailer = testMailer(options.smtpUrl);
  let stopWorker = async () => undefined;
  if (options.worker === true) {
    const nativeConnection =
      skipping?.nativeConnection ?? (await NativeConnection.connect({ address: inject('temporalAddress') }));
    const background = runInBackground(
      await createTestWorker({
        connection: nativeConnection,
        client,
        namespace: config.temporal.namespace,
        taskQueue,
        database,
        amazonPay,
        mailer,
        ...(options.amazonCallsPerSecond === undefined ? {} : { amazonCallsPerSecond: options.amazonCallsPerSecond }),
      }),
    );
    stopWorker = async () => {
      await background.stop();
      if (skipping === undefined) await nativeConnection.close();
    };
  }
  const app = createApp({
    temporal,
    database,
    log: pino({ level: 'silent' }),
    config,
    amazonPay,
    amazonSignIn: createAmazonSignInGateway(amazonPay, config.amazonPay),
    mailer,
    ...options.deps,
  });
  const { url, server } = await listen(app, options.port);
  return {
    url,
    config,
    database,
    temporal,
    emulator,
    emulatorUrl: running.url,
    amazonPay,
    mailer,
    client,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await stopWorker();
      await running.close();
      if (skipping === undefined) await temporal.close();
      await dropTestDatabase(database);
    },
  };
}

/** A shopper's browser: keeps the session cookie between requests. */
export class Shopper {
  private cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  // Response bodies are whatever the route answers; tests assert on their shape.
  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookies.size > 0 ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (CSV, HTML): the raw text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown) {
    return this.request('POST', path, body ?? {});
  }

  /** The raw cookie header (to replay it after logout). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Signs a test buyer in at the emulator (what the Amazon sign-in page does) and returns the token. */
export async function amazonBuyerToken(emulatorUrl: string, buyer: string): Promise<string> {
  const response = await fetch(`${emulatorUrl}/__emulator/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ buyer }),
  });
  if (!response.ok) throw new Error(`emulator sign-in failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { buyerToken: string }).buyerToken;
}

/** The configured ops token of the first credential with `role`. */
export function opsToken(config: AppConfig, role: 'viewer' | 'operator'): string {
  const credential = config.ops.credentials.find((c) => c.role === role);
  if (credential === undefined) throw new Error(`no ${role} credential configured`);
  return credential.token;
}

/** The Authorization header of an ops request with the configured token of `role`. */
export function opsAuthorization(config: AppConfig, role: 'viewer' | 'operator'): { authorization: string } {
  return { authorization: `Bearer ${opsToken(config, role)}` };
}
