/**
 * `npm run bench` (`orders`): N concurrent shoppers run complete orders over HTTP against a stack of
 * their own, then the direct-call baseline does the same orders in-process; prints and writes the
 * figures to reports/ (JSON + Markdown).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { updatePointAccount } from '../../activities/points.js';
import { loadConfig, type AppConfig } from '../../config/index.js';
import { connectDatabase } from '../../db/connection.js';
import { adjustPoints } from '../../workflows/points/definitions.js';
import { orderWorkflowId } from '../../domain/ids.js';
import type { OrderDoc } from '../../db/models/order.js';
import { benchCeiling, orderShape, type CeilingResult } from './ceiling.js';
import { quietReplayLogs, replayWorkflows, DEFAULT_QUERY, type ReplayReport } from '../replay-workflows.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { createDirectOrders } from './direct.js';
import { preloadShop, type PreloadResult } from './preload.js';
import { groupCpuSeconds, loadAverage } from './proc.js';
import { ProgressBar } from './progress.js';
import { HttpSession, registerMember, runOrder, StepError, type ShopperKind } from './shopper.js';
import { SERVER_NAMES, startBenchStack, type BenchStack, type ServerName } from './stack.js';
import { Latencies, type StepSummary } from './stats.js';

export interface Mix {
  guest: number;
  member: number;
  points: number;
}

export interface OrdersBenchOptions {
  concurrency: number;
  /** Stop after this many measured orders … */
  orders?: number;
  /** … or after this many seconds (whichever is given; orders wins when both are). */
  durationSeconds?: number;
  mix: Mix;
  /** Orders run before measuring (caches, JIT, the workflow bundle's first load). */
  warmup: number;
  direct: boolean;
  /** Replay the stack's order histories afterwards (what `npm run replay` does). */
  replay: boolean;
  appDir?: string;
  stackEnv?: NodeJS.ProcessEnv;
  label?: string;
  /** Orders and members written into the database after the empty-database run; then the run again. */
  preload?: number;
  /** The no-op workflow of an order's shape on the same server (the engine's ceiling). */
  ceiling: boolean;
}

interface PhaseResult {
  orders: number;
  failed: number;
  seconds: number;
  ordersPerSecond: number;
  steps: StepSummary[];
  /** CPU seconds per completed order, per process, and their sum. */
  cpuPerOrder: Record<string, number>;
  errors: { step: string; status: number | null; message: string; count: number }[];
}

export interface OrdersBenchReport {
  bench: 'orders';
  label: string | null;
  startedAt: string;
  machine: { cpus: number; model: string; node: string; load1AtStart: number; load1AtEnd: number };
  options: OrdersBenchOptions;
  /** The HTTP path on the empty database. */
  http: PhaseResult;
  /** The HTTP path again after `preload` orders and members were written. */
  preloaded: (PhaseResult & { preload: PreloadResult }) | null;
  ceiling: CeilingResult | null;
  direct: PhaseResult | null;
  /** direct orders/s ÷ HTTP orders/s: how many times faster the bare calls are. */
  directToHttpRatio: number | null;
  /** `npm run replay` on the stack's order workflows (up to 1,000), after the HTTP phase. */
  replay: ReplayReport | null;
}

const POINTS_PER_ORDER = 100;
const POINTS_GRANT = 10_000_000;

export function parseMix(text: string): Mix {
  const parts = text.split(':').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n < 0) || parts.every((n) => n === 0)) {
    throw new Error(`--mix: expected guest:member:points proportions like 6:3:1, got "${text}"`);
  }
  const [guest = 0, member = 0, points = 0] = parts;
  return { guest, member, points };
}

/** A deterministic interleaving of the kinds in proportion (6:3:1 → g m g p g m g g m g …). */
function kindCycle(mix: Mix): ShopperKind[] {
  const total = mix.guest + mix.member + mix.points;
  const scale = total > 100 ? 100 / total : 1;
  const want: [ShopperKind, number][] = [
    ['guest', Math.round(mix.guest * scale)],
    ['member', Math.round(mix.member * scale)],
    ['points', Math.round(mix.points * scale)],
  ];
  const length = want.reduce((sum, [, n]) => sum + n, 0);
  const given = new Map<ShopperKind, number>();
  const cycle: ShopperKind[] = [];
  for (let i = 1; i <= length; i += 1) {
    // The kind furthest behind its share so far goes next.
    let best: ShopperKind = 'guest';
    let bestLag = -Infinity;
    for (const [kind, n] of want) {
      const lag = (n * i) / length - (given.get(kind) ?? 0);
      if (n > 0 && lag > bestLag) {
        best = kind;
        bestLag = lag;
      }
    }
    given.set(best, (given.get(best) ?? 0) + 1);
    cycle.push(best);
  }
  return cycle;
}

class ErrorLog {
  private readonly byKey = new Map<string, { step: string; status: number | null; message: string; count: number }>();
  add(error: unknown): void {
    const step = error instanceof StepError ? error.step : 'unexpected';
    const status = error instanceof StepError ? error.status : null;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 200);
    const key = `${step}|${status}|${message.slice(0, 80)}`;
    const entry = this.byKey.get(key) ?? { step, status, message, count: 0 };
    entry.count += 1;
    this.byKey.set(key, entry);
  }
  clear(): void {
    this.byKey.clear();
  }
  list() {
    return [...this.byKey.values()].sort((a, b) => b.count - a.count).slice(0, 20);
  }
}

interface Driver {
  /** Runs `count` orders (or until the deadline), `concurrency` at a time; answers done and failed. */
  run(
    label: string,
    count: number | undefined,
    deadline: number | undefined,
    measure: boolean,
  ): Promise<{ done: number; failed: number }>;
}

function makeDriver(
  concurrency: number,
  cycle: ShopperKind[],
  order: (worker: number, kind: ShopperKind, measure: boolean) => Promise<void>,
  errors: ErrorLog,
): Driver {
  return {
    async run(label, count, deadline, measure) {
      let next = 0;
      let done = 0;
      let failed = 0;
      const bar = new ProgressBar(
        label,
        count ?? Math.round(((deadline ?? Date.now()) - Date.now()) / 1000),
        count === undefined ? 's' : 'orders',
      );
      const started = Date.now();
      const tick = setInterval(
        () =>
          bar.update(
            count === undefined ? Math.round((Date.now() - started) / 1000) : done + failed,
            `ok ${done} failed ${failed}`,
          ),
        500,
      );
      const more = () => (count !== undefined ? next < count : Date.now() < (deadline ?? 0));
      try {
        await Promise.all(
          Array.from({ length: concurrency }, async (_, worker) => {
            while (more()) {
              const kind = cycle[next % cycle.length] as ShopperKind;
              next += 1;
              try {
                await order(worker, kind, measure);
                done += 1;
              } catch (error) {
                failed += 1;
                if (measure) errors.add(error);
              }
            }
          }),
        );
      } finally {
        clearInterval(tick);
        bar.finish(`ok ${done} failed ${failed}`);
      }
      return { done, failed };
    },
  };
}

type CpuSnapshot = Map<string, number>;

function cpuSnapshot(stack: BenchStack, names: readonly ServerName[]): CpuSnapshot {
  const groups = names.flatMap((name) => {
    const group = stack.groups.get(name);
    return group === undefined ? [] : [[name, group] as const];
  });
  const byGroup = groupCpuSeconds(groups.map(([, g]) => g));
  const snapshot: CpuSnapshot = new Map(groups.map(([name, g]) => [name, byGroup.get(g) ?? 0]));
  const self = process.cpuUsage();
  snapshot.set('bench', (self.user + self.system) / 1e6);
  return snapshot;
}

function cpuPerOrder(before: CpuSnapshot, after: CpuSnapshot, orders: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [name, value] of after) {
    const used = value - (before.get(name) ?? 0);
    out[name] = orders > 0 ? round(used / orders, 4) : Number.NaN;
    total += used;
  }
  out['total'] = orders > 0 ? round(total / orders, 4) : Number.NaN;
  return out;
}

/**
 * The payload codec of the code under test (its worker decrypts with it): loaded from the app
 * directory that runs the stack, so a bench of another checkout talks to its own worker.
 */
export async function dataConverterOf(appDir: string, config: AppConfig): Promise<DataConverter | undefined> {
  const file = path.resolve(appDir, 'worker', 'data-converter.ts');
  if (!existsSync(file)) return undefined;
  const loaded = (await import(pathToFileURL(file).href)) as {
    createDataConverter?: (config: AppConfig) => DataConverter;
  };
  return loaded.createDataConverter?.(config);
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function benchOrders(options: OrdersBenchOptions): Promise<OrdersBenchReport> {
  const startedAt = new Date().toISOString();
  const load1AtStart = loadAverage();
  if (load1AtStart > 0.7)
    process.stderr.write(
      `bench: load average is ${load1AtStart} — other work is running; the figures will be lower than on a quiet machine\n`,
    );
  const cycle = kindCycle(options.mix);
  const needsMembers = options.mix.member + options.mix.points > 0;

  process.stderr.write('bench: starting a stack of its own (scratch data, free ports) …\n');
  const stack = await startBenchStack({
    ...(options.appDir === undefined ? {} : { appDir: options.appDir }),
    ...(options.stackEnv === undefined ? {} : { env: options.stackEnv }),
  });
  try {
    const config = loadConfig(stack.env);
    const operator = config.ops.credentials.find((c) => c.role === 'operator');
    if (operator === undefined) throw new Error('no operator credential in OPS_TOKENS');

    // ---- the full path: HTTP API → Temporal → worker → emulator / database ----
    const latencies = new Latencies();
    const ignore = () => undefined;
    const errors = new ErrorLog();
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const dataConverter = await dataConverterOf(options.appDir ?? '.', config);
    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      ...(dataConverter === undefined ? {} : { dataConverter }),
    });
    const members: ({ session: HttpSession; memberId: string } | undefined)[] = [];
    if (needsMembers) {
      process.stderr.write(`bench: registering ${options.concurrency} members with ${POINTS_GRANT} points each …\n`);
      for (let i = 0; i < options.concurrency; i += 1) {
        const member = await registerMember({ apiUrl: stack.apiUrl, record: ignore }, `bench${i}`);
        await updatePointAccount({ client, taskQueue: config.temporal.taskQueue }, member.memberId, adjustPoints, {
          key: `bench-grant:${member.memberId}`,
          points: POINTS_GRANT,
          reason: 'bench',
        });
        members[i] = member;
      }
    }
    const httpOrder = async (worker: number, kind: ShopperKind, measure: boolean) => {
      const member = members[worker];
      const session = kind === 'guest' || member === undefined ? new HttpSession(stack.apiUrl) : member.session;
      const result = await runOrder(
        {
          apiUrl: stack.apiUrl,
          emulatorUrl: stack.emulatorUrl,
          opsToken: operator.token,
          record: measure ? (step, ms, ok) => latencies.record(step, ms, ok) : ignore,
          ...(kind === 'points' ? { pointsToUse: POINTS_PER_ORDER } : {}),
        },
        session,
      );
      if (result.status !== 'Captured')
        throw new StepError('final state', null, `order ${result.orderId} ended ${result.status}`);
    };
    const http = makeDriver(options.concurrency, cycle, httpOrder, errors);
    if (options.warmup > 0) await http.run('warm-up', options.warmup, undefined, false);

    const measure = async (): Promise<PhaseResult> => {
      latencies.clear();
      errors.clear();
      const before = cpuSnapshot(stack, SERVER_NAMES);
      const t0 = performance.now();
      const deadline = options.orders === undefined ? Date.now() + (options.durationSeconds ?? 60) * 1000 : undefined;
      const measured = await http.run('HTTP orders', options.orders, deadline, true);
      const seconds = (performance.now() - t0) / 1000;
      const after = cpuSnapshot(stack, SERVER_NAMES);
      return {
        orders: measured.done,
        failed: measured.failed,
        seconds: round(seconds),
        ordersPerSecond: round(measured.done / seconds),
        steps: latencies.summary(),
        cpuPerOrder: cpuPerOrder(before, after, measured.done),
        errors: errors.list(),
      };
    };
    const httpResult = await measure();
    const measured = { done: httpResult.orders };

    // ---- a year of a shop's data, then the same run again ----
    let preloaded: OrdersBenchReport['preloaded'] = null;
    let template: OrderDoc | null = null;
    const shopDatabase = await connectDatabase(stack.mongoUri);
    try {
      template = await shopDatabase.models.Order.findOne({ status: 'Captured' }).sort({ updatedAt: -1 }).lean();
      if (options.preload !== undefined && options.preload > 0) {
        if (template === null) throw new Error('preload: the empty-database run placed no order to clone');
        process.stderr.write(`bench: preloading ${options.preload} orders and ${options.preload} members …\n`);
        const preload = await preloadShop(shopDatabase, options.preload, template, (line) =>
          process.stderr.write(`bench: ${line}\n`),
        );
        process.stderr.write(`bench: preloaded in ${preload.seconds} s; the run again …\n`);
        if (options.warmup > 0) await http.run('warm-up', options.warmup, undefined, false);
        preloaded = { ...(await measure()), preload };
      }
    } finally {
      await shopDatabase.close();
    }

    // ---- the engine's ceiling on the same server ----
    let ceiling: CeilingResult | null = null;
    if (options.ceiling && template !== null) {
      const shape = await orderShape(client, orderWorkflowId(template.orderId));
      process.stderr.write(
        `bench: the no-op ceiling (${shape.updates} updates, ${shape.activities} activities, ${shape.localActivities} local activities per workflow) …\n`,
      );
      ceiling = await benchCeiling({
        temporalAddress: stack.temporalAddress,
        namespace: config.temporal.namespace,
        temporalGroup: stack.groups.get('temporal'),
        shape,
        concurrency: options.concurrency,
        durationSeconds: options.durationSeconds ?? Math.max(20, httpResult.seconds),
        warmup: options.warmup,
      });
    }
    await connection.close();

    // ---- replay: the histories just made, against the code that made them ----
    let replay: ReplayReport | null = null;
    if (options.replay) {
      process.stderr.write('bench: replaying the order histories …\n');
      quietReplayLogs();
      replay = await replayWorkflows({
        connection: { address: stack.temporalAddress },
        namespace: config.temporal.namespace,
        query: DEFAULT_QUERY,
        limit: 1_000,
        concurrency: 16,
        dataConverter: dataConverter ?? createDataConverter(config),
        ...(options.appDir === undefined
          ? {}
          : { workflowsPath: path.resolve(options.appDir, 'workflows', 'index.ts') }),
      });
    }

    // ---- the baseline: the same work in-process ----
    let directResult: PhaseResult | null = null;
    if (options.direct) {
      const directLatencies = new Latencies();
      const directErrors = new ErrorLog();
      let measuring = false;
      const database = await connectDatabase(stack.mongoUri.replace(/\/[^/]*$/, '/bench_direct'));
      try {
        const direct = createDirectOrders({
          config,
          models: database.models,
          emulatorUrl: stack.emulatorUrl,
          record: (step, ms, ok) => {
            if (measuring) directLatencies.record(step, ms, ok);
          },
        });
        const directMembers: string[] = [];
        if (needsMembers)
          for (let i = 0; i < options.concurrency; i += 1)
            directMembers.push(await direct.addMember(`d${i}`, POINTS_GRANT));
        const driver = makeDriver(
          options.concurrency,
          cycle,
          async (worker, kind) => {
            await direct.runOrder(kind, kind === 'guest' ? null : (directMembers[worker] ?? null), POINTS_PER_ORDER);
          },
          directErrors,
        );
        await driver.run('direct warm-up', Math.max(options.warmup, options.concurrency), undefined, false);
        const count = Math.max(measured.done, options.concurrency);
        measuring = true;
        const directBefore = cpuSnapshot(stack, ['database', 'emulator']);
        const d0 = performance.now();
        const result = await driver.run('direct orders', count, undefined, measuring);
        const directSeconds = (performance.now() - d0) / 1000;
        const directAfter = cpuSnapshot(stack, ['database', 'emulator']);
        const steps = directLatencies.summary();
        directResult = {
          orders: result.done,
          failed: result.failed,
          seconds: round(directSeconds),
          ordersPerSecond: round(result.done / directSeconds),
          steps,
          cpuPerOrder: cpuPerOrder(directBefore, directAfter, result.done),
          errors: directErrors.list(),
        };
      } finally {
        await database.connection.dropDatabase().catch(() => undefined);
        await database.close();
      }
    }

    return {
      bench: 'orders',
      label: options.label ?? null,
      startedAt,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        load1AtStart,
        load1AtEnd: loadAverage(),
      },
      options,
      http: httpResult,
      preloaded,
      ceiling,
      direct: directResult,
      directToHttpRatio:
        directResult === null || httpResult.ordersPerSecond === 0
          ? null
          : round(directResult.ordersPerSecond / httpResult.ordersPerSecond, 1),
      replay,
    };
  } finally {
    process.stderr.write('bench: stopping the stack …\n');
    await stack.stop();
  }
}

export function ordersMarkdown(report: OrdersBenchReport, command: string): string {
  const lines: string[] = [];
  const { http, direct } = report;
  lines.push(`### Orders bench${report.label === null ? '' : ` — ${report.label}`} (${report.startedAt})`);
  lines.push('');
  lines.push(`Command: \`${command}\``);
  lines.push(
    `Machine: ${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}, load average ${report.machine.load1AtStart} at start, ${report.machine.load1AtEnd} at end. ` +
      `Concurrency ${report.options.concurrency}, mix guest:member:points ${report.options.mix.guest}:${report.options.mix.member}:${report.options.mix.points}, warm-up ${report.options.warmup} orders.`,
  );
  lines.push('');
  const { preloaded, ceiling } = report;
  const stored =
    preloaded === null
      ? ''
      : `${preloaded.preload.orders.toLocaleString('en')} orders + ${preloaded.preload.members.toLocaleString('en')} members stored`;
  lines.push('| path | orders | failed | seconds | orders/s | CPU s/order (total) | database CPU s/order |');
  lines.push('|---|---|---|---|---|---|---|');
  lines.push(
    `| HTTP → Temporal → worker, empty database | ${http.orders} | ${http.failed} | ${http.seconds} | **${http.ordersPerSecond}** | ${http.cpuPerOrder['total']} | ${http.cpuPerOrder['database']} |`,
  );
  if (preloaded !== null)
    lines.push(
      `| HTTP → Temporal → worker, ${stored} | ${preloaded.orders} | ${preloaded.failed} | ${preloaded.seconds} | **${preloaded.ordersPerSecond}** | ${preloaded.cpuPerOrder['total']} | ${preloaded.cpuPerOrder['database']} |`,
    );
  if (ceiling !== null)
    lines.push(
      `| no-op workflow of an order's shape (engine ceiling) | ${ceiling.workflows} | 0 | ${ceiling.seconds} | **${ceiling.workflowsPerSecond}** | ${ceiling.cpuPerWorkflow.total} | – |`,
    );
  if (direct !== null)
    lines.push(
      `| direct calls (baseline) | ${direct.orders} | ${direct.failed} | ${direct.seconds} | **${direct.ordersPerSecond}** | ${direct.cpuPerOrder['total']} |`,
    );
  if (preloaded !== null)
    lines.push(
      `\nPreload: ${stored} written in ${preloaded.preload.seconds} s (${preloaded.preload.ordersPerSecond} orders+members/s). ` +
        `Orders/s with them stored: ${pct(preloaded.ordersPerSecond, http.ordersPerSecond)} of the empty-database run.`,
    );
  if (ceiling !== null) {
    const s = ceiling.shape;
    lines.push(
      `\nCeiling: the no-op workflow (${s.updates} updates, ${s.activities} activities, ${s.localActivities} local activities each, as counted in a real order's history) at concurrency ${ceiling.concurrency}. ` +
        `The project's orders/s is **${pct(http.ordersPerSecond, ceiling.workflowsPerSecond)}** of it (empty database)` +
        (preloaded === null
          ? ''
          : ` and **${pct(preloaded.ordersPerSecond, ceiling.workflowsPerSecond)}** (preloaded)`) +
        `; CPU per order ${http.cpuPerOrder['total']} s against the no-op's ${ceiling.cpuPerWorkflow.total} s per workflow ` +
        `(${ratio(http.cpuPerOrder['total'], ceiling.cpuPerWorkflow.total)}×; no-op worker ${ceiling.cpuPerWorkflow.worker}, Temporal ${ceiling.cpuPerWorkflow.temporal}, client ${ceiling.cpuPerWorkflow.bench}).`,
    );
  }
  if (report.directToHttpRatio !== null)
    lines.push(`\nThe direct calls are **${report.directToHttpRatio}×** the HTTP path's orders/s.`);
  const { replay } = report;
  if (replay !== null)
    lines.push(
      `\nReplay (\`npm run replay\` on this stack's ${replay.histories} order histories): **${replay.historiesPerSecond} histories/s** ` +
        `(${replay.seconds} s; replaying ${replay.replaySeconds} s = ${replay.replayPerSecond}/s, waiting for fetches ${replay.fetchWaitSeconds} s), ` +
        `${replay.failures.length} failed.`,
    );
  lines.push('');
  lines.push('CPU seconds per order, by process:');
  lines.push('');
  const names = ['api', 'worker', 'temporal', 'database', 'emulator', 'bench', 'total'];
  lines.push(`| path | ${names.join(' | ')} |`);
  lines.push(`|---|${names.map(() => '---').join('|')}|`);
  lines.push(`| HTTP | ${names.map((n) => http.cpuPerOrder[n] ?? '–').join(' | ')} |`);
  if (preloaded !== null)
    lines.push(`| HTTP, preloaded | ${names.map((n) => preloaded.cpuPerOrder[n] ?? '–').join(' | ')} |`);
  if (direct !== null) lines.push(`| direct | ${names.map((n) => direct.cpuPerOrder[n] ?? '–').join(' | ')} |`);
  lines.push('');
  lines.push('Latency per call, ms (HTTP path; `emulator:` rows are the buyer\u2019s browser at Amazon):');
  lines.push('');
  lines.push('| call | count | errors | p50 | p95 | p99 | max |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const s of http.steps)
    lines.push(`| ${s.step} | ${s.count} | ${s.errors} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`);
  if (preloaded !== null) {
    lines.push('');
    lines.push(`Latency per call, ms, empty database → ${stored}:`);
    lines.push('');
    lines.push('| call | p50 empty | p50 preloaded | p95 empty | p95 preloaded | p95 change |');
    lines.push('|---|---|---|---|---|---|');
    for (const s of http.steps) {
      const t = preloaded.steps.find((x) => x.step === s.step);
      lines.push(
        `| ${s.step} | ${s.p50} | ${t?.p50 ?? '–'} | ${s.p95} | ${t?.p95 ?? '–'} | ${t === undefined ? '–' : change(t.p95, s.p95)} |`,
      );
    }
  }
  if (direct !== null) {
    lines.push('');
    lines.push('Latency per call, ms (direct baseline):');
    lines.push('');
    lines.push('| call | count | errors | p50 | p95 | p99 | max |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const s of direct.steps)
      lines.push(`| ${s.step} | ${s.count} | ${s.errors} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`);
  }
  const allErrors = [
    ...http.errors.map((e) => ({ ...e, path: 'HTTP' })),
    ...(preloaded?.errors ?? []).map((e) => ({ ...e, path: 'HTTP, preloaded' })),
    ...(direct?.errors ?? []).map((e) => ({ ...e, path: 'direct' })),
  ];
  lines.push('');
  if (allErrors.length === 0) lines.push('Errors: none.');
  else {
    lines.push('Errors:');
    lines.push('');
    lines.push('| path | step | status | count | message |');
    lines.push('|---|---|---|---|---|');
    for (const e of allErrors)
      lines.push(
        `| ${e.path} | ${e.step} | ${e.status ?? 'network'} | ${e.count} | ${e.message.replace(/\|/g, '\\|')} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}

const pct = (part: number | undefined, whole: number | undefined) =>
  part === undefined || whole === undefined || whole === 0 ? '–' : `${Math.round((part / whole) * 100)} %`;
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? '–' : (a / b).toFixed(1);
const change = (after: number, before: number) =>
  before === 0 ? '–' : `${after >= before ? '+' : ''}${Math.round(((after - before) / before) * 100)} %`;
