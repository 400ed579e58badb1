/**
 * Tracing, end to end: the API and the worker run as processes of their own (as `npm start` runs
 * them, `node --import tsx`), configured with an OTLP endpoint — a receiver in this test — the API
 * exporting OTLP/JSON, the worker OTLP/protobuf (the default). One order goes through checkout and is
 * cancelled by ops (so its workflow ends and its RunWorkflow span is exported); then both processes
 * stop, flushing what they still hold.
 * - The request that starts the order and everything it causes share one trace: the API's server span,
 *   its StartWorkflow span, the worker's RunWorkflow, StartActivity and RunActivity spans, and MongoDB
 *   spans in both processes.
 * - An update's trace reaches the Amazon Pay SDK's HTTP call to Amazon (the emulator) in the worker.
 * - The API's request log line carries the trace id of its span.
 * - No buyer's personal data and no order token is exported.
 * - Workflow decisions do not change: the traced order's history replays without tracing, and orders
 *   recorded without tracing replay with it (turning tracing on or off is safe for running orders).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../db/connection.js';
import { seedCatalog } from '../../db/seed.js';
import { createEmulator, type RunningEmulator } from '../../emulator/app.js';
import { freePort, spawnGroup, waitFor, type SpawnedProcess } from '../../scripts/services.js';
import { setUpTemporal } from '../../worker/temporal-setup.js';
import { workflowTracingModule } from '../../worker/tracing.js';
import { workflowsPath } from '../../worker/worker.js';
import { Shopper } from '../support/api.js';
import { finishCheckout, procedureForm, startCheckout } from '../support/checkout.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { testDataConverter, uniqueTaskQueue } from '../support/servers.js';

const OPS_TOKEN = `ops-${randomBytes(12).toString('hex')}`;
const RECORDED = new URL('../replay/histories/', import.meta.url);
const noop = () => undefined;
const SERVER = 2;
const CLIENT = 3;

describe('tracing: one trace from the HTTP request through the workflow to Amazon', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  let emulator: RunningEmulator;
  let databaseUri: string;
  const processes: SpawnedProcess[] = [];
  let api: SpawnedProcess & { url: string; log: string };
  let worker: SpawnedProcess;
  let namespace: string;
  /** The order of the first test (its history is replayed by the second). */
  let tracedOrderId: string | undefined;

  async function start(kind: 'api' | 'worker', env: NodeJS.ProcessEnv, port: number) {
    const log = path.join(dir, `${kind}.log`);
    const proc = spawnGroup(process.execPath, ['--import', 'tsx', `${kind}/main.ts`], {
      env,
      logFile: log,
      graceMs: 20_000,
    });
    processes.push(proc);
    await waitFor(
      `${kind} /readyz`,
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
      90_000,
      proc.child,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await readFile(log, 'utf8').catch(() => '')}`);
    });
    return { ...proc, url: `http://127.0.0.1:${port}`, log };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tracing-'));
    receiver = await startOtlpReceiver();
    emulator = await createEmulator({ controlApi: true, pendingAuthDelayMs: 500 }).start(0, '127.0.0.1');
    const database = new URL(inject('mongoUri'));
    database.pathname = `/tracing_${randomBytes(4).toString('hex')}`;
    databaseUri = database.toString();
    const seeding = await connectDatabase(databaseUri);
    await seedCatalog(seeding.models);
    await seeding.close();
    // A namespace of its own: the worker registers the reconciliation Schedule, whose id is fixed.
    namespace = `tracing-${randomBytes(4).toString('hex')}`;
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    await setUpTemporal(connection, namespace);
    await connection.close();

    const [apiPort, healthPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('tracing'),
      MONGODB_URI: databaseUri,
      AMAZON_PAY_EMULATOR_URL: emulator.url,
      // The order's mails go to the run's catcher: the workflow ends only once they are sent.
      SMTP_URL: inject('smtpUrl'),
      API_PORT: String(apiPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      API_RATE_LIMIT_PER_MINUTE: '100000',
      OPS_TOKENS: `ops:operator:${OPS_TOKEN}`,
      WORKER_METRICS_ADDRESS: 'off',
      WORKER_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
      WORKER_SHUTDOWN_GRACE_SECONDS: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    };
    [api, worker] = await Promise.all([
      start('api', { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, apiPort),
      start('worker', env, healthPort),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((proc) => proc.stop()));
    await emulator?.close();
    await receiver?.close();
    const database = await connectDatabase(databaseUri).catch(() => undefined);
    await database?.connection.dropDatabase();
    await database?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('follows an order from the HTTP request into the workflow, its activities, MongoDB and Amazon', async () => {
    const shopper = new Shopper(api.url);
    const run = await startCheckout(shopper, emulator.url, [{ productId: 'tea-sencha', quantity: 1 }]);
    tracedOrderId = run.orderId;
    let buyerEmail = '';
    const completed = await finishCheckout(shopper, emulator.url, run, (defaults) => {
      buyerEmail = String(defaults['email']);
      return procedureForm(defaults);
    });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body.order.status).toBe('Placed');
    expect(buyerEmail).toContain('@');
    // The token in a URL (a guest's return link): its span keeps the parameter, not the secret.
    expect((await shopper.get(`/api/orders/${run.orderId}?token=${run.token}`)).status).toBe(200);
    // Cancelled, the order's payment is settled and its workflow ends: RunWorkflow is exported.
    const cancelled = await shopper.request(
      'POST',
      `/ops/orders/${run.orderId}/cancel`,
      { reason: 'tracing test' },
      { authorization: `Bearer ${OPS_TOKEN}` },
    );
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await waitFor(
      'the workflow to end',
      async () => receiver.spans.some((span) => span.name === 'RunWorkflow:orderWorkflow'),
      30_000,
    ).catch(() => undefined);

    // Stopping flushes what each process still holds (SIGTERM, as an orchestrator stops them).
    await Promise.all([api.stop(), worker.stop()]);
    const spans = receiver.spans;
    const services = new Set(spans.map((span) => span.service));
    expect([...services].sort()).toEqual(['amazon-pay-orders-api', 'amazon-pay-orders-worker']);
    expect(receiver.contentTypes).toContain('application/json');
    expect(receiver.contentTypes).toContain('application/x-protobuf');

    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);
    const one = (what: string, found: ReceivedSpan[]) => {
      expect(found, `${what} among the spans received:\n${traceTrees(spans)}`).toHaveLength(1);
      return found[0] as ReceivedSpan;
    };

    // POST /api/checkouts → StartWorkflow → RunWorkflow → StartActivity → RunActivity, one trace.
    const checkout = one(
      'the checkout request span',
      spans.filter(
        (s) => s.service === 'amazon-pay-orders-api' && s.kind === SERVER && s.name === 'POST /api/checkouts',
      ),
    );
    expect(checkout.attributes['http.route']).toBe('/api/checkouts');
    const inTrace = spans.filter((span) => span.traceId === checkout.traceId);
    const startWorkflow = one(
      'StartWorkflow',
      inTrace.filter((s) => s.name === 'StartWorkflow:orderWorkflow'),
    );
    expect(startWorkflow.service).toBe('amazon-pay-orders-api');
    expect(startWorkflow.attributes['temporalWorkflowId']).toBe(`order:${run.orderId}`);
    const runWorkflow = one(
      'RunWorkflow',
      inTrace.filter((s) => s.name === 'RunWorkflow:orderWorkflow'),
    );
    expect(runWorkflow.service).toBe('amazon-pay-orders-worker');
    expect(runWorkflow.parentSpanId).toBe(startWorkflow.spanId);
    expect(runWorkflow.attributes['workflowId']).toBe(`order:${run.orderId}`);
    const activities = inTrace.filter((s) => s.name.startsWith('RunActivity:'));
    expect(activities.length).toBeGreaterThan(0);
    for (const activity of activities) {
      expect(activity.service).toBe('amazon-pay-orders-worker');
      const scheduled = parentOf(activity);
      expect(scheduled?.name).toBe(activity.name.replace('RunActivity:', 'StartActivity:'));
      expect(scheduled && parentOf(scheduled)?.spanId).toBe(runWorkflow.spanId);
    }
    // The ancestors of every span of the trace lead back to the request.
    for (const span of inTrace) {
      let root = span;
      for (let parent = parentOf(root); parent !== undefined; parent = parentOf(root)) root = parent;
      expect(root.spanId, `${span.service} ${span.name}`).toBe(checkout.spanId);
    }
    const mongo = inTrace.filter((s) => s.scope === '@opentelemetry/instrumentation-mongodb');
    expect(new Set(mongo.map((s) => s.service))).toEqual(
      new Set(['amazon-pay-orders-api', 'amazon-pay-orders-worker']),
    );
    expect(mongo.every((s) => s.attributes['db.system.name'] === 'mongodb')).toBe(true);

    // The buyer's return from Amazon: the update reaches the SDK's HTTP call to Amazon.
    const amazonReturn = one(
      'the amazon-return request span',
      spans.filter((s) => s.kind === SERVER && s.name === 'POST /api/orders/:orderId/amazon-return'),
    );
    const returnTrace = spans.filter((span) => span.traceId === amazonReturn.traceId);
    expect(returnTrace.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'StartWorkflowUpdate:amazonReturn',
        'HandleUpdate:amazonReturn',
        expect.stringMatching(/^RunActivity:/),
      ]),
    );
    const toAmazon = returnTrace.filter(
      (s) =>
        s.service === 'amazon-pay-orders-worker' &&
        s.kind === CLIENT &&
        String(s.attributes['url.full']).startsWith(emulator.url),
    );
    expect(toAmazon.length).toBeGreaterThan(0);
    for (const call of toAmazon) expect(parentOf(call)?.name).toMatch(/^RunActivity:/);

    // The URL's order token is redacted; neither it nor the buyer's e-mail is exported anywhere.
    const read = one(
      'the order read',
      spans.filter((s) => s.kind === SERVER && s.name === 'GET /api/orders/:orderId'),
    );
    expect(read.attributes['url.query']).toBe('token=REDACTED');
    for (const body of receiver.bodies) {
      expect(body).not.toContain(run.token);
      expect(body).not.toContain(buyerEmail);
    }

    // The API's log line for the checkout request carries that request's trace.
    const lines = (await readFile(api.log, 'utf8'))
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; trace_id?: string; span_id?: string; req?: { url?: string } });
    const logged = lines.find((line) => line.msg === 'request completed' && line.req?.url === '/api/checkouts');
    expect(logged?.trace_id).toBe(checkout.traceId);
    expect(inTrace.map((s) => s.spanId)).toContain(logged?.span_id);
  }, 120_000);

  it('changes no workflow decision: histories replay the same with and without tracing, both ways', async () => {
    expect(tracedOrderId, 'the order of the first test').toBeDefined();
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const traced = await new Client({ connection, namespace, dataConverter: testDataConverter }).workflow
      .getHandle(`order:${tracedOrderId}`)
      .fetchHistory();
    await connection.close();
    // Orders recorded without tracing (test/replay/histories), as a fleet has them when tracing is turned on.
    const untraced = readdirSync(RECORDED).map((file) => ({
      workflowId: file,
      history: JSON.parse(readFileSync(new URL(file, RECORDED), 'utf8')) as unknown,
    }));
    expect(untraced.length).toBeGreaterThan(0);
    const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
    const bundle = (workflowInterceptorModules: string[]) =>
      bundleWorkflowCode({
        workflowsPath,
        workflowInterceptorModules,
        failureConverterPath: testDataConverter.failureConverterPath,
        logger: quiet,
      });
    const failures: string[] = [];
    for (const [workflowBundle, histories] of [
      [await bundle([workflowTracingModule]), [{ workflowId: 'traced', history: traced }, ...untraced]],
      // Tracing turned off again: the traced order replays without the interceptors.
      [await bundle([]), [{ workflowId: 'traced', history: traced }]],
    ] as const) {
      // Workflow spans go to the exporter sink, which a replay never calls (it only has to exist).
      const sinks = { exporter: { export: { fn: noop } } };
      for await (const result of Worker.runReplayHistories(
        { workflowBundle, dataConverter: testDataConverter, sinks },
        histories,
      ))
        if (result.error !== undefined) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

/** The spans as indented trees (process, name, URL of HTTP calls), for failure messages. */
function traceTrees(spans: ReceivedSpan[]): string {
  const children = new Map<string, ReceivedSpan[]>();
  for (const span of spans) children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
  const ids = new Set(spans.map((span) => span.spanId));
  const lines = (span: ReceivedSpan, depth: number): string[] => [
    `${'  '.repeat(depth)}${span.service} ${span.name}${span.attributes['url.full'] === undefined ? '' : ` ${String(span.attributes['url.full'])}`}`,
    ...(children.get(span.spanId) ?? []).flatMap((child) => lines(child, depth + 1)),
  ];
  return spans
    .filter((span) => !ids.has(span.parentSpanId))
    .flatMap((span) => lines(span, 0))
    .join('\n');
}
