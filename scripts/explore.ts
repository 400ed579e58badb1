/**
 * `npm run explore [-- --runs N --seed S --slow-faults]`: the model-based order lifecycle suites
 * (test/model/) with more sequences than CI runs, on the same real servers the tests start: 85 % of
 * the sequences on a caching worker, 15 % with worker restarts (a worker that replays every task),
 * both suites at once. Prints what they covered (actions and faults, the statuses reached) and, when
 * an invariant broke, the shrunk sequence with its seed; writes it all to .test-results/explore/.
 *
 * `--slow-faults` adds Amazon outages longer than the activities' retries (15–40 s each).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { coverageText, type CoverageSummary, type Tally } from '../test/model/model-suite.js';
import { numberOption, parseOptions } from './bench/args.js';

const { options } = parseOptions(process.argv.slice(2));
const runs = Math.floor(numberOption(options, 'runs', 500));
const seed = Math.floor(numberOption(options, 'seed', Date.now() % 1_000_000_000));
const restartRuns = Math.round(runs * 0.15);
const reportDir = path.resolve('.test-results', 'explore');
rmSync(reportDir, { recursive: true, force: true });

console.log(
  `explore: ${runs} sequences (${runs - restartRuns} on a caching worker, ${restartRuns} with worker restarts), seed ${seed}` +
    ` (again: npm run explore -- --runs ${runs} --seed ${seed}${options.has('slow-faults') ? ' --slow-faults' : ''})`,
);
const started = Date.now();
const vitest = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    'test/model/order-lifecycle.test.ts',
    'test/model/order-lifecycle-restarts.test.ts',
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      MODEL_RUNS: String(runs - restartRuns),
      MODEL_RESTART_RUNS: String(restartRuns),
      MODEL_SEED: String(seed),
      MODEL_REPORT_DIR: reportDir,
      ...(options.has('slow-faults') ? { MODEL_SLOW_FAULTS: '1' } : {}),
    },
  },
);

type Report = CoverageSummary & { counterexample: string | null };
const reports: Report[] = [];
for (const name of ['caching-worker', 'worker-restarts']) {
  try {
    reports.push(JSON.parse(readFileSync(path.join(reportDir, `${name}.json`), 'utf8')) as Report);
  } catch {
    console.log(`explore: the ${name} suite produced no report`);
  }
}
for (const report of reports) console.log(`\n${coverageText(report)}`);
if (reports.length > 0) {
  const sum = (pick: (r: Report) => Tally) =>
    reports.reduce<Tally>((total, r) => {
      for (const [k, v] of Object.entries(pick(r))) total[k] = (total[k] ?? 0) + v;
      return total;
    }, {});
  const total = reports.reduce((n, r) => n + r.runs, 0);
  const weighted = (pick: (r: Report) => number) =>
    Number((reports.reduce((n, r) => n + pick(r) * r.runs, 0) / Math.max(1, total)).toFixed(1));
  const combined: CoverageSummary = {
    name: 'both suites',
    runs: total,
    seed,
    seconds: Math.round((Date.now() - started) / 1000),
    violations: reports.reduce((n, r) => n + r.violations, 0),
    actionsPerSequence: {
      mean: weighted((r) => r.actionsPerSequence.mean),
      max: Math.max(...reports.map((r) => r.actionsPerSequence.max)),
    },
    faultsPerSequence: {
      mean: weighted((r) => r.faultsPerSequence.mean),
      max: Math.max(...reports.map((r) => r.faultsPerSequence.max)),
    },
    refusalsPerSequence: {
      mean: weighted((r) => r.refusalsPerSequence.mean),
      max: Math.max(...reports.map((r) => r.refusalsPerSequence.max)),
    },
    actions: sum((r) => r.actions),
    faults: sum((r) => r.faults),
    sequencesReachingStatus: sum((r) => r.sequencesReachingStatus),
  };
  console.log(`\n${coverageText(combined)}`);
  for (const report of reports)
    if (report.counterexample !== null) console.log(`\ncounterexample (${report.name}):\n${report.counterexample}`);
}
const broken = reports.length < 2 || reports.some((r) => r.violations > 0);
process.exit(broken || vitest.status !== 0 ? 1 : 0);
