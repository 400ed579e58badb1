/**
 * Model-based test of the order lifecycle (test/model/order-model.ts): fast-check generates
 * sequences of buyer and staff actions with Amazon faults and worker restarts, runs each against a
 * fresh order on the time-skipping server (real activities, the real SDK against the emulator, the
 * real database), and checks the invariants after every step. A failure is shrunk to the shortest
 * sequence that still breaks an invariant and printed with its seed and path.
 *
 * CI runs a fixed seed; `npm run explore -- --runs N --seed S` runs longer and prints the coverage.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAmazonFaults, type FaultyAmazonPay } from '../support/amazon-faults.js';
import { startOrderHarness, type OrderHarness } from '../support/order-harness.js';
import { commandSequence, setupArbitrary, startRun, terminateWhenIdle, type RunCoverage } from './order-model.js';

const RUNS = Number(process.env['MODEL_RUNS'] ?? 100);
const SEED = Number(process.env['MODEL_SEED'] ?? 20_261_201);
/** Outages longer than the activities' retries cost ~15–40 s each: on for exploration, off in CI. */
const SLOW_FAULTS = process.env['MODEL_SLOW_FAULTS'] === '1';
const REPORT = process.env['MODEL_REPORT'];

let h: OrderHarness;
let faults: FaultyAmazonPay;
beforeAll(async () => {
  h = await startOrderHarness('model', {
    amazonPay: (client) => {
      faults = withAmazonFaults(client);
      return faults.client;
    },
    // Refunds stay in progress for a minute of Amazon's time, so declines and settling can be tried.
    emulator: { refundDelayMs: 60_000, pendingAuthDelayMs: 300 },
    replayEveryTask: true,
  });
});
afterAll(async () => {
  await h?.close();
});

describe('order lifecycle: model-based (buyers, staff, Amazon faults, worker restarts)', () => {
  it(
    `every invariant holds after every step (${RUNS} sequences, seed ${SEED})`,
    { timeout: RUNS * 30_000 + 60_000 },
    async () => {
      const runs: RunCoverage[] = [];
      const started = Date.now();
      const details = await fc.check(
        fc.asyncProperty(setupArbitrary, commandSequence({ slowFaults: SLOW_FAULTS }), async (setup, commands) => {
          const { model, real } = await startRun(h, faults, setup);
          try {
            await fc.asyncModelRun(() => ({ model, real }), commands);
          } finally {
            runs.push(real.coverage);
            // A finished sequence's order stops here, so later sequences' time jumps do not wake it.
            await terminateWhenIdle(real.handle);
            faults.journal.splice(0, faults.journal.length);
          }
        }),
        { numRuns: RUNS, seed: SEED, verbose: 1 },
      );
      const report = coverageReport(runs, {
        runs: details.numRuns,
        seed: SEED,
        failed: details.failed,
        seconds: Math.round((Date.now() - started) / 1000),
      });
      console.log(report.text);
      if (REPORT !== undefined) {
        mkdirSync('.test-results', { recursive: true });
        writeFileSync(
          REPORT,
          JSON.stringify(
            {
              ...report.summary,
              counterexample: details.failed
                ? `${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`
                : null,
            },
            null,
            2,
          ),
        );
      }
      if (details.failed)
        throw new Error(
          `${fc.defaultReportMessage(details) ?? 'a sequence broke an invariant'}\n\n${String(details.errorInstance)}`,
        );
      expect(details.numRuns).toBe(RUNS);
    },
  );
});

function coverageReport(runs: RunCoverage[], meta: { runs: number; seed: number; failed: boolean; seconds: number }) {
  const count = (values: string[]) =>
    Object.fromEntries(
      [...values.reduce((map, v) => map.set(v, (map.get(v) ?? 0) + 1), new Map<string, number>())].sort(
        (a, b) => b[1] - a[1],
      ),
    );
  const per = (f: (r: RunCoverage) => number) => {
    const values = runs.map(f).sort((a, b) => a - b);
    return {
      mean: Number((values.reduce((s, v) => s + v, 0) / Math.max(1, values.length)).toFixed(1)),
      max: values.at(-1) ?? 0,
    };
  };
  const summary = {
    ...meta,
    sequencesExecuted: runs.length,
    violations: meta.failed ? 1 : 0,
    actionsPerSequence: per((r) => r.actions.length),
    faultsPerSequence: per((r) => r.faults.length),
    refusalsPerSequence: per((r) => r.refusals),
    actions: count(runs.flatMap((r) => r.actions)),
    faults: count(runs.flatMap((r) => r.faults.map((f) => f.replace(/^time:.*/, 'time passes')))),
    sequencesReachingStatus: count(runs.flatMap((r) => [...r.statuses])),
  };
  const lines = [
    `model-based order lifecycle: ${meta.runs} sequences, seed ${meta.seed}, ${meta.seconds} s, ${summary.violations} violations`,
    `  actions per sequence: mean ${summary.actionsPerSequence.mean}, max ${summary.actionsPerSequence.max}; faults per sequence: mean ${summary.faultsPerSequence.mean}, max ${summary.faultsPerSequence.max}; refusals: mean ${summary.refusalsPerSequence.mean}`,
    `  actions: ${JSON.stringify(summary.actions)}`,
    `  faults: ${JSON.stringify(summary.faults)}`,
    `  sequences reaching each status: ${JSON.stringify(summary.sequencesReachingStatus)}`,
  ];
  return { summary, text: lines.join('\n') };
}
