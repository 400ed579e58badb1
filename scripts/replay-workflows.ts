/**
 * What `npm run replay` does (scripts/replay.ts is its entry): lists workflows on the configured
 * Temporal server by a visibility query, fetches their histories (a bounded pool of concurrent
 * requests), and replays them as a stream against the working tree's workflow code, bundled once.
 * The replay worker decrypts the histories' payloads with the project's data converter. A history the
 * code no longer reproduces is reported with its workflow id and the first event that diverged.
 *
 * See the README, "Changing workflow code", for when to run it.
 */
import { parseArgs } from 'node:util';
import vm from 'node:vm';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
// Internal to the SDK (see `withoutReplayOverheads`); typed, and harmless if it ever moves.
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared.js';
import { DeterminismViolationError } from '@temporalio/workflow';
import { loadConfig } from '../config/index.js';
import { createDataConverter } from '../worker/data-converter.js';
import { workflowsPath as orderWorkflowsPath } from '../worker/worker.js';
import { orderWorkflow } from '../workflows/index.js';

type History = temporal.api.history.v1.IHistory;

export const DEFAULT_QUERY = `WorkflowType = '${orderWorkflow.name}'`;
const DEFAULT_LIMIT = 1_000;
const DEFAULT_CONCURRENCY = 16;

export interface ReplayOptions {
  /** How to reach the Temporal frontend (`config.temporal.connection`, or just `{ address }`). */
  connection: ConnectionOptions;
  namespace: string;
  /** Visibility query selecting the workflows (open and closed). */
  query: string;
  /** At most this many, in the server's listing order (newest first). */
  limit: number;
  /** Histories fetched at the same time. */
  concurrency: number;
  dataConverter: DataConverter;
  /** The bundle's entry (default: the worker's, i.e. the working tree's workflow code). */
  workflowsPath?: string;
}

export interface ReplayFailure {
  workflowId: string;
  runId: string;
  /** Nondeterminism: the code commands differently than the history records. Other: the replay itself failed. */
  kind: 'nondeterminism' | 'error';
  /** The first history event the code did not reproduce, when the SDK names it. */
  event: { id: number; type: string } | null;
  message: string;
}

export interface ReplayReport {
  histories: number;
  failures: ReplayFailure[];
  /** Building the workflow bundle (once, before anything else; not part of the rate). */
  bundleSeconds: number;
  /** Listing, fetching and replaying, from the first list request to the last replay result. */
  seconds: number;
  historiesPerSecond: number;
  /** Time the replay worker sat waiting for the next fetched history. */
  fetchWaitSeconds: number;
  /** `seconds - fetchWaitSeconds`: the time spent replaying. */
  replaySeconds: number;
  replayPerSecond: number;
}

interface Execution {
  workflowId: string;
  runId: string;
}

/**
 * Keeps the replay worker's own log lines out of the report (call before anything uses the Temporal
 * runtime; a process whose runtime is set up already keeps its own). Its per-history warnings repeat
 * what the report says, and some histories that replay log a warning for one of their workflow tasks
 * all the same (seen on orders still being worked on and on orders of an overloaded bench stack).
 */
export function quietReplayLogs(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // Installed already: that runtime's logging stays as it was set up.
  }
}

/** Lists, fetches and replays; never throws for a history that fails to replay (see `failures`). */
export async function replayWorkflows(options: ReplayOptions): Promise<ReplayReport> {
  const bundleStarted = performance.now();
  const workflowBundle = await bundle(options.workflowsPath ?? orderWorkflowsPath, options.dataConverter);
  const bundleSeconds = (performance.now() - bundleStarted) / 1000;

  const connection = await Connection.connect(options.connection);
  const restore = withoutReplayOverheads();
  try {
    const client = new Client({ connection, namespace: options.namespace, dataConverter: options.dataConverter });
    const started = performance.now();
    let fetchWait = 0;
    const fetched = fetchHistories(client, listExecutions(client, options.query, options.limit), options.concurrency);
    const runIds = new Map<string, string>();
    // The replay worker pulls the next history when it has finished the previous one: time spent
    // waiting here is time the replay waited for the network.
    async function* replayInput(): AsyncGenerator<{ workflowId: string; history: History }> {
      for (;;) {
        const waitStarted = performance.now();
        const next = await fetched.next();
        fetchWait += performance.now() - waitStarted;
        if (next.done === true) return;
        runIds.set(next.value.workflowId, next.value.runId);
        yield { workflowId: next.value.workflowId, history: next.value.history };
      }
    }
    const failures: ReplayFailure[] = [];
    let histories = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle, dataConverter: options.dataConverter, replayName: 'replay' },
      replayInput(),
    )) {
      histories += 1;
      if (result.error !== undefined)
        failures.push(describeFailure(result.workflowId, runIds.get(result.workflowId) ?? result.runId, result.error));
    }
    const seconds = (performance.now() - started) / 1000;
    const fetchWaitSeconds = fetchWait / 1000;
    const replaySeconds = Math.max(seconds - fetchWaitSeconds, 1e-9);
    return {
      histories,
      failures,
      bundleSeconds: round(bundleSeconds),
      seconds: round(seconds),
      historiesPerSecond: Math.round(histories / Math.max(seconds, 1e-9)),
      fetchWaitSeconds: round(fetchWaitSeconds),
      replaySeconds: round(replaySeconds),
      replayPerSecond: Math.round(histories / replaySeconds),
    };
  } finally {
    restore();
    await connection.close();
  }
}

/**
 * Two costs of the SDK's replayer that buy nothing when a history is replayed only to check that the
 * code still produces it; together they were three quarters of the replay time of this project's
 * order histories (README, "Changing workflow code"). Both are undone by the returned function.
 *
 * - The replayer runs workflows in this thread in the SDK's debug mode, which passes its "no limit"
 *   timeout (2^32 - 1 ms) to every call into the workflow's V8 context; Node then starts a watchdog
 *   thread for each call (about 0.2 ms, a dozen calls per workflow task). Calls with exactly that
 *   timeout run without one, which is what the timeout means.
 * - The SDK records a stack trace for every promise a workflow creates (for the `__stack_trace`
 *   query, which nobody sends to a replay). Marking its global handlers as installed before the
 *   replay worker starts keeps that hook off; stack traces of errors are then Node's plain ones.
 */
function withoutReplayOverheads(): () => void {
  const NO_LIMIT = 4_294_967_295;
  const runInContext = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (this: vm.Script, context, options) {
    if (options?.timeout !== NO_LIMIT) return runInContext.call(this, context, options);
    const { timeout: _noLimit, ...rest } = options;
    return runInContext.call(this, context, rest);
  };
  const hooksWereOff = !globalHandlers.installed;
  if (hooksWereOff) globalHandlers.installed = true;
  return () => {
    vm.Script.prototype.runInContext = runInContext;
    if (hooksWereOff) globalHandlers.installed = false;
  };
}

/** Bundles by entry file, once per process (webpack takes seconds; a test replays several times). */
const bundles = new Map<string, Promise<WorkflowBundle>>();

async function bundle(workflowsPath: string, dataConverter: DataConverter): Promise<WorkflowBundle> {
  const key = `${workflowsPath}\0${dataConverter.failureConverterPath ?? ''}`;
  const cached = bundles.get(key);
  if (cached !== undefined) return cached;
  const quiet = () => undefined;
  const built = bundleWorkflowCode({
    workflowsPath,
    ...(dataConverter.failureConverterPath === undefined
      ? {}
      : { failureConverterPath: dataConverter.failureConverterPath }),
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  bundles.set(key, built);
  built.catch(() => bundles.delete(key));
  return built;
}

async function* listExecutions(client: Client, query: string, limit: number): AsyncGenerator<Execution> {
  if (limit <= 0) return;
  let count = 0;
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 1_000) })) {
    yield { workflowId: info.workflowId, runId: info.runId };
    count += 1;
    if (count >= limit) return;
  }
}

/**
 * Fetches the listed executions' histories, at most `concurrency` at a time, and yields each as soon
 * as it arrives (arrival order, not listing order): the replay starts on the first one while the
 * others are still on the wire.
 */
async function* fetchHistories(
  client: Client,
  executions: AsyncIterable<Execution>,
  concurrency: number,
): AsyncGenerator<Execution & { history: History }> {
  const source = executions[Symbol.asyncIterator]();
  const inFlight = new Map<number, Promise<{ slot: number; item: Execution & { history: History } }>>();
  let nextSlot = 0;
  let listed = false;
  for (;;) {
    while (!listed && inFlight.size < Math.max(1, concurrency)) {
      const next = await source.next();
      if (next.done === true) {
        listed = true;
        break;
      }
      const slot = nextSlot++;
      const execution = next.value;
      inFlight.set(
        slot,
        client.workflow
          .getHandle(execution.workflowId, execution.runId)
          .fetchHistory()
          .then((history) => ({ slot, item: { ...execution, history } })),
      );
    }
    if (inFlight.size === 0) return;
    const { slot, item } = await Promise.race(inFlight.values());
    inFlight.delete(slot);
    yield item;
  }
}

/**
 * The SDK's message carries the core's reason, which names the history event it could not match as
 * `HistoryEvent(id: 5, ActivityTaskScheduled)` (or `… event 5 of type …` in some wordings).
 */
function describeFailure(workflowId: string, runId: string, error: Error): ReplayFailure {
  // The core's own reason, without the SDK's wrapping around it.
  const message = /message: "((?:[^"\\]|\\.)*)"/.exec(error.message)?.[1] ?? error.message;
  const named =
    /HistoryEvent\(id: (\d+),\s*(?:event_type: )?(?:EventType::)?([A-Za-z]+)/.exec(message) ??
    /event (?:id )?(\d+) (?:of type |\()?(?:EVENT_TYPE_)?([A-Za-z_]+)/i.exec(message);
  return {
    workflowId,
    runId,
    kind: error instanceof DeterminismViolationError ? 'nondeterminism' : 'error',
    event: named === null ? null : { id: Number(named[1]), type: named[2] as string },
    message,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The report as the command prints it. */
export function formatReport(report: ReplayReport, options: Pick<ReplayOptions, 'connection' | 'namespace' | 'query'>) {
  const lines = [
    `replay: ${report.histories} histories matching ${options.query} on ${options.connection.address ?? 'localhost:7233'} (namespace ${options.namespace})`,
    `replayed ${report.histories} in ${report.seconds} s: ${report.historiesPerSecond} histories/s ` +
      `(replaying ${report.replaySeconds} s = ${report.replayPerSecond}/s, waiting for fetches ${report.fetchWaitSeconds} s; ` +
      `bundling ${report.bundleSeconds} s before, not counted)`,
  ];
  for (const failure of report.failures) {
    const event = failure.event === null ? 'event not named' : `event ${failure.event.id} ${failure.event.type}`;
    lines.push(`${failure.kind} in ${failure.workflowId} (run ${failure.runId}): first diverging ${event}`);
    lines.push(`  ${failure.message}`);
  }
  if (report.histories === 0) lines.push('no workflow matched the query: nothing was checked');
  lines.push(
    report.failures.length === 0
      ? 'OK: every history replays on this code'
      : `FAILED: ${report.failures.length} of ${report.histories} histories do not replay on this code`,
  );
  return lines.join('\n');
}

/**
 * `npm run replay [-- --query Q] [--limit N] [--concurrency N] [--workflows PATH]` with the
 * environment's configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, PAYLOAD_CODEC_KEYS).
 * Answers the exit code (1 on any failure) and the report.
 */
export async function replayCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ exitCode: number; report: ReplayReport; output: string }> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      query: { type: 'string', default: DEFAULT_QUERY },
      limit: { type: 'string', default: String(DEFAULT_LIMIT) },
      concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
      workflows: { type: 'string' },
    },
    strict: true,
  });
  const config = loadConfig(env);
  const options: ReplayOptions = {
    connection: config.temporal.connection,
    namespace: config.temporal.namespace,
    query: values.query,
    limit: positiveInteger('limit', values.limit),
    concurrency: positiveInteger('concurrency', values.concurrency),
    dataConverter: createDataConverter(config),
    ...(values.workflows === undefined ? {} : { workflowsPath: values.workflows }),
  };
  const report = await replayWorkflows(options);
  return { exitCode: report.failures.length === 0 ? 0 : 1, report, output: formatReport(report, options) };
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got "${raw}"`);
  return value;
}
