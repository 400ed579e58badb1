/**
 * Registers one model-based suite of the order lifecycle (test/model/order-model.ts): fast-check
 * generates sequences of buyer and staff actions with Amazon faults, runs each against a fresh order
 * on the time-skipping server (real activities, the real SDK against the emulator, the real
 * database), and checks the invariants after every step. A failure is shrunk to the shortest
 * sequence that still breaks an invariant and printed with its seed and path.
 *
 * Two workers, two suites: a caching worker (as in production; fast) runs most sequences, and a
 * worker that replays every workflow task from its history runs the ones with worker restarts
 * (the time-skipping server keeps a stopped caching worker's sticky queue, so a restart there
 * would only hang: the non-caching worker makes every restart, and every step, a replay).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAmazonFaults, type FaultyAmazonPay } from '../support/amazon-faults.js';
import { startOrderHarness, type OrderHarness } from '../support/order-harness.js';
import { commandSequence, setupArbitrary, startRun, terminateWhenIdle, type RunCoverage } from './order-model.js';

export interface ModelSuiteOptions {
  /** Names the suite and its report file (`MODEL_REPORT_DIR/<name>.json`). */
  name: string;
  /** Worker restarts among the commands (the worker then replays every task). */
  restarts: boolean;
  runs: number;
  seed: number;
  /** Outages longer than the activities' retries cost ~15–40 s each: on for exploration, off in CI. */
  slowFaults: boolean;
}

export function modelSuite(o: ModelSuiteOptions): void {
  let h: OrderHarness;
  let faults: FaultyAmazonPay;
  beforeAll(async () => {
    h = await startOrderHarness(`model_${o.name}`, {
      amazonPay: (client) => {
        faults = withAmazonFaults(client);
        return faults.client;
      },
      // Refunds stay in progress for a minute of Amazon's time, so declines and settling can be tried.
      emulator: { refundDelayMs: 60_000, pendingAuthDelayMs: 300 },
      replayEveryTask: o.restarts,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  describe(`order lifecycle, model-based (${o.restarts ? 'with worker restarts, every task replayed' : 'caching worker'})`, () => {
    it(
      `every invariant holds after every step (${o.runs} sequences, seed ${o.seed})`,
      { timeout: o.runs * 30_000 + 60_000 },
      async () => {
        const runs: RunCoverage[] = [];
        const started = Date.now();
        const details = await fc.check(
          fc.asyncProperty(
            setupArbitrary,
            commandSequence({ slowFaults: o.slowFaults, restarts: o.restarts }),
            async (setup, commands) => {
              const { model, real } = await startRun(h, faults, setup);
              try {
                await fc.asyncModelRun(() => ({ model, real }), commands);
              } finally {
                runs.push(real.coverage);
                // A finished sequence's order stops here, so later sequences' time jumps do not wake it.
                await terminateWhenIdle(real.handle);
                faults.journal.splice(0, faults.journal.length);
              }
            },
          ),
          // MODEL_PATH (from a failure's report) replays just that run's shrunk sequence.
          process.env['MODEL_PATH'] === undefined
            ? { numRuns: o.runs, seed: o.seed, verbose: 1 }
            : { numRuns: o.runs, seed: o.seed, path: process.env['MODEL_PATH'], endOnFailure: true, verbose: 1 },
        );
        const seconds = Math.round((Date.now() - started) / 1000);
        const summary = coverage(runs, {
          name: o.name,
          runs: details.numRuns,
          seed: o.seed,
          failed: details.failed,
          seconds,
        });
        console.log(coverageText(summary));
        const reportDir = process.env['MODEL_REPORT_DIR'];
        if (reportDir !== undefined) {
          mkdirSync(reportDir, { recursive: true });
          const counterexample = details.failed
            ? `${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`
            : null;
          writeFileSync(
            path.join(reportDir, `${o.name}.json`),
            JSON.stringify({ ...summary, counterexample }, null, 2),
          );
        }
        if (details.failed)
          throw new Error(
            `${fc.defaultReportMessage(details) ?? 'a sequence broke an invariant'}\n\n${String(details.errorInstance)}`,
          );
        // A replayed path runs its one sequence.
        expect(details.numRuns).toBe(process.env['MODEL_PATH'] === undefined ? o.runs : 1);
      },
    );
  });
}

export type Tally = Record<string, number>;

export interface CoverageSummary {
  name: string;
  runs: number;
  seed: number;
  seconds: number;
  violations: number;
  actionsPerSequence: { mean: number; max: number };
  faultsPerSequence: { mean: number; max: number };
  refusalsPerSequence: { mean: number; max: number };
  actions: Tally;
  faults: Tally;
  sequencesReachingStatus: Tally;
}

function coverage(
  runs: RunCoverage[],
  meta: { name: string; runs: number; seed: number; failed: boolean; seconds: number },
): CoverageSummary {
  const tally = (values: string[]) => values.reduce<Tally>((t, v) => ({ ...t, [v]: (t[v] ?? 0) + 1 }), {});
  const per = (f: (r: RunCoverage) => number) => {
    const values = runs.map(f);
    const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
    return { mean: Number(mean.toFixed(1)), max: Math.max(0, ...values) };
  };
  return {
    name: meta.name,
    runs: meta.runs,
    seed: meta.seed,
    seconds: meta.seconds,
    violations: meta.failed ? 1 : 0,
    actionsPerSequence: per((r) => r.actions.length),
    faultsPerSequence: per((r) => r.faults.length),
    refusalsPerSequence: per((r) => r.refusals),
    actions: tally(runs.flatMap((r) => r.actions)),
    faults: tally(runs.flatMap((r) => r.faults.map((f) => f.replace(/^time:.*/, 'time passes')))),
    sequencesReachingStatus: tally(runs.flatMap((r) => [...r.statuses])),
  };
}

const sorted = (t: Tally) => JSON.stringify(Object.fromEntries(Object.entries(t).sort((a, b) => b[1] - a[1])));

export function coverageText(s: CoverageSummary): string {
  return [
    `model-based order lifecycle (${s.name}): ${s.runs} sequences, seed ${s.seed}, ${s.seconds} s, ${s.violations} violations`,
    `  actions per sequence: mean ${s.actionsPerSequence.mean}, max ${s.actionsPerSequence.max}; faults per sequence: mean ${s.faultsPerSequence.mean}, max ${s.faultsPerSequence.max}; refusals: mean ${s.refusalsPerSequence.mean}`,
    `  actions: ${sorted(s.actions)}`,
    `  faults: ${sorted(s.faults)}`,
    `  sequences reaching each status: ${sorted(s.sequencesReachingStatus)}`,
  ].join('\n');
}
