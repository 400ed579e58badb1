/**
 * The production path on this machine: a Temporal server built from its Go module with PostgreSQL
 * persistence and a frontend that requires client certificates (a CA made by this test), set up by
 * `npm run temporal:setup`; two worker processes and two API processes configured as in production
 * (NODE_ENV=production, their own secrets, mTLS through the TEMPORAL_TLS_* settings), running the
 * production build (`npm run build`: JavaScript in dist/, no TypeScript loader) as the image does.
 * - Orders complete through either API replica, and each replica reads the other's orders.
 * - A worker killed in the middle of an order: the other worker finishes it.
 * - A client without a certificate of the shop's CA is refused.
 * - Temporal Cloud's way in, an API key over TLS: a worker and an API configured with TEMPORAL_API_KEY
 *   alone run orders through a proxy that checks the key (nginx, as Cloud's endpoint would); a wrong
 *   key is refused. These two also trace to an OTLP receiver: the build traces as the sources do.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection, type TLSConfig } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { createEmulator, type RunningEmulator } from '../../emulator/app.js';
import { freePort, spawnGroup, waitFor, type SpawnedProcess } from '../../scripts/services.js';
import {
  setUpTemporalSchemas,
  startApiKeyProxy,
  startPostgres,
  startTemporalCluster,
  type Postgres,
  type TemporalCluster,
} from '../../scripts/temporal-cluster.js';
import { resolveTemporalServer } from '../../scripts/tools.js';
import { Shopper } from '../support/api.js';
import { makeTestCertificates, type TestCertificates } from '../support/certificates.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import { confirmAtAmazon, enterProcedure, finishCheckout, startCheckout } from '../support/checkout.js';

const execFile = promisify(execFileCallback);
const NAMESPACE = 'shop-production';
const ITEMS = [{ productId: 'tea-sencha', quantity: 2 }];

interface AppProcess extends SpawnedProcess {
  url: string;
  log: string;
}

describe('production-shaped: Temporal on PostgreSQL with mTLS, two workers, two APIs', () => {
  let dir: string;
  let certificates: TestCertificates;
  let postgres: Postgres | undefined;
  let cluster: TemporalCluster | undefined;
  let emulator: RunningEmulator | undefined;
  let sharedEnv: NodeJS.ProcessEnv;
  const apps: AppProcess[] = [];
  let apiA: AppProcess;
  let apiB: AppProcess;
  let workerA: AppProcess;

  /** One app process (`worker` or `api`) with the shared production environment and its own ports. */
  async function startApp(
    kind: 'worker' | 'api',
    name: string,
    overrides: NodeJS.ProcessEnv = {},
  ): Promise<AppProcess> {
    const port = await freePort();
    const env = {
      ...sharedEnv,
      ...overrides,
      ...(kind === 'api'
        ? { API_PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }
        : { WORKER_HEALTH_ADDRESS: `127.0.0.1:${port}` }),
    };
    const log = path.join(dir, `${name}.log`);
    const proc = spawnGroup(process.execPath, [`dist/${kind}/main.js`], { env, logFile: log });
    const url = `http://127.0.0.1:${port}`;
    const app = { ...proc, url, log };
    apps.push(app);
    await waitFor(
      `${name} /readyz`,
      async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200,
      90_000,
      proc.child,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await readFile(log, 'utf8').catch(() => '')}`);
    });
    return app;
  }

  beforeAll(async () => {
    const tool = await resolveTemporalServer({ config: loadConfig({}), childEnv: process.env });
    if (tool === undefined) throw new Error('no Temporal server: Go is needed to build it (scripts/tools.ts)');
    // What the image runs: the build (npm run build).
    await execFile(process.execPath, ['scripts/build.mjs'], { timeout: 300_000 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'production-'));
    // PostgreSQL runs as its own user: it must reach its data folder.
    await chmod(dir, 0o755);
    certificates = await makeTestCertificates(dir);
    postgres = await startPostgres(path.join(dir, 'postgres'));
    await setUpTemporalSchemas(tool, postgres);
    cluster = await startTemporalCluster({ tool, postgres, certificates, dir });

    emulator = await createEmulator({ controlApi: true, pendingAuthDelayMs: 500 }).start(0, '127.0.0.1');
    const database = new URL(inject('mongoUri'));
    database.pathname = `/production_${randomBytes(4).toString('hex')}`;
    sharedEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.caCert,
      TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certificates.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certificates.clientKey,
      TEMPORAL_TASK_QUEUE: 'orders-production',
      MONGODB_URI: database.toString(),
      AMAZON_PAY_EMULATOR_URL: emulator.url,
      SESSION_SECRET: randomBytes(24).toString('hex'),
      ORDER_TOKEN_SECRET: randomBytes(24).toString('hex'),
      OPS_TOKENS: `ops:operator:${randomBytes(16).toString('hex')}`,
      PAYLOAD_CODEC_KEYS: `prod-1:${randomBytes(32).toString('base64')}`,
      // The shop's mail server: here the run's SMTP catcher.
      SMTP_URL: inject('smtpUrl'),
      MAIL_FROM: 'order@shop.example.jp',
      API_RATE_LIMIT_PER_MINUTE: '100000',
      WORKER_METRICS_ADDRESS: 'off',
      WORKER_SHUTDOWN_GRACE_SECONDS: '5',
    };

    // The setup command, as a deploy would run it: the namespace and the search attributes.
    const setup = await execFile(process.execPath, ['dist/scripts/temporal-setup.js'], { env: sharedEnv });
    expect(setup.stdout).toContain('namespace registered');
    expect(setup.stdout).toContain('OrderStatus');
    // The shop's catalog (the demo one).
    await execFile(process.execPath, ['dist/scripts/seed.js'], { env: sharedEnv });

    [apiA, apiB, workerA] = await Promise.all([
      startApp('api', 'api-a'),
      startApp('api', 'api-b'),
      startApp('worker', 'worker-a'),
    ]);
  }, 900_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await emulator?.close();
    await cluster?.stop();
    await postgres?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it("completes orders through either API replica; each replica reads the other one's orders", async () => {
    for (const [placedOn, readOn] of [
      [apiA, apiB],
      [apiB, apiA],
    ] as const) {
      const shopper = new Shopper(placedOn.url);
      const run = await startCheckout(shopper, emulator!.url, ITEMS);
      const completed = await finishCheckout(shopper, emulator!.url, run);
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
      expect(completed.body.order.status).toBe('Placed');
      const read = await new Shopper(readOn.url).request('GET', `/api/orders/${run.orderId}`, undefined, run.headers);
      expect(read.status).toBe(200);
      expect(read.body.order).toMatchObject({ orderId: run.orderId, status: 'Placed' });
    }
  });

  it('a worker killed in the middle of an order: the other worker finishes it', async () => {
    const shopper = new Shopper(apiA.url);
    const run = await startCheckout(shopper, emulator!.url, ITEMS);
    await enterProcedure(shopper, run);

    // Up to here only worker A has run this order (it holds it in its cache). A second worker joins,
    // then A dies without a chance to hand anything over.
    const workerB = await startApp('worker', 'worker-b');
    process.kill(-workerA.child.pid!, 'SIGKILL');
    await new Promise((resolve) => workerA.child.once('exit', resolve));

    const onB = new Shopper(apiB.url);
    const confirmed = await onB.request('POST', `/api/orders/${run.orderId}/confirm`, {}, run.headers);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    await confirmAtAmazon(emulator!.url, run.sessionId);
    const completed = await onB.request('POST', `/api/orders/${run.orderId}/complete`, {}, run.headers);
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body.order.status).toBe('Placed');
    expect((await fetch(`${workerB.url}/readyz`)).status).toBe(200);
  });

  it("refuses a client without a certificate of the shop's CA", async () => {
    const ca = await readFile(certificates.caCert);
    const pair = async (cert: string, key: string) => ({ crt: await readFile(cert), key: await readFile(key) });
    const check = async (tls: TLSConfig | undefined) => {
      const connection = await Connection.connect({ address: cluster!.address, tls, connectTimeout: 5000 });
      try {
        await connection.withDeadline(Date.now() + 5000, () => connection.healthService.check({}));
      } finally {
        await connection.close();
      }
    };
    const serverNameOverride = certificates.serverName;
    await expect(check(undefined)).rejects.toThrow();
    await expect(check({ serverNameOverride, serverRootCACertificate: ca })).rejects.toThrow();
    await expect(
      check({
        serverNameOverride,
        serverRootCACertificate: ca,
        clientCertPair: await pair(certificates.rogueClientCert, certificates.rogueClientKey),
      }),
    ).rejects.toThrow();
    await expect(
      check({
        serverNameOverride,
        serverRootCACertificate: ca,
        clientCertPair: await pair(certificates.clientCert, certificates.clientKey),
      }),
    ).resolves.toBeUndefined();
  });

  it('Temporal Cloud’s way in: worker and API with an API key over TLS run orders (and trace them); a wrong key is refused', async () => {
    const apiKey = `key-${randomBytes(16).toString('hex')}`;
    const proxy = await startApiKeyProxy({ cluster: cluster!, certificates, apiKey, dir });
    // These two also trace (the build, as the image runs it, with the ESM loader hook): to this receiver.
    const receiver = await startOtlpReceiver();
    try {
      const byKey = {
        TEMPORAL_ADDRESS: proxy.address,
        TEMPORAL_API_KEY: apiKey,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.caCert,
        TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
        TEMPORAL_TLS_CLIENT_CERT_PATH: '',
        TEMPORAL_TLS_CLIENT_KEY_PATH: '',
        // A queue of their own: only the API-key worker can run these orders.
        TEMPORAL_TASK_QUEUE: 'orders-api-key',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      };
      const [api] = await Promise.all([
        startApp('api', 'api-key-api', byKey),
        startApp('worker', 'api-key-worker', byKey),
      ]);
      const shopper = new Shopper(api!.url);
      const run = await startCheckout(shopper, emulator!.url, ITEMS);
      const completed = await finishCheckout(shopper, emulator!.url, run);
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
      expect(completed.body.order.status).toBe('Placed');

      const tls = {
        serverNameOverride: certificates.serverName,
        serverRootCACertificate: await readFile(certificates.caCert),
      };
      const check = async (key: string) => {
        const connection = await Connection.connect({ address: proxy.address, tls, apiKey: key, connectTimeout: 5000 });
        try {
          await connection.withDeadline(Date.now() + 5000, () => connection.healthService.check({}));
        } finally {
          await connection.close();
        }
      };
      await expect(check(`${apiKey}-wrong`)).rejects.toThrow();
      await expect(check(apiKey)).resolves.toBeUndefined();

      // The production build traced the order: the API's route, the workflow's activities, Amazon's call.
      // Each process exports its spans in its own batches: wait for every span the test reads.
      const trace = (name: string) => receiver.spans.find((span) => span.name === name)?.traceId;
      await waitFor(
        'the built services’ spans',
        async () =>
          trace('StartActivity:completeCheckout') !== undefined &&
          trace('RunActivity:completeCheckout') !== undefined &&
          trace('POST /api/orders/:orderId/complete') !== undefined,
        30_000,
      );
      expect(new Set(receiver.spans.map((span) => span.service))).toEqual(
        new Set(['amazon-pay-orders-api', 'amazon-pay-orders-worker']),
      );
      expect(trace('RunActivity:completeCheckout')).toBe(trace('StartActivity:completeCheckout'));
    } finally {
      await proxy.stop();
      await receiver.close();
    }
  });
});
