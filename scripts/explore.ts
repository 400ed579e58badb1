/**
 * `npm run explore [-- --runs N --seed S --slow-faults]`: the model-based order lifecycle suites
 * (test/model/) with more sequences than CI runs, on the same real servers the tests start: 85 % of
 * the sequences on a caching worker, 15 % with worker restarts (a worker that replays every task),
 * both suites at once. Prints what they covered (actions and faults, the statuses reached) and, when
 * an invariant broke, the shrunk sequence with its seed; writes it all to .test-results/explore/.
 *
 * `--shards K` runs K such processes at once (shard i with seed S + i), each with servers of its own;
 * their logs go to .test-results/explore/shard-i.log.
 * `--slow-faults` adds Amazon outages longer than the activities' retries (15–40 s each).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { coverageText, type CoverageSummary, type Tally } from '../test/model/model-suite.js';
import { numberOption, parseOptions } from './bench/args.js';

const { options } = parseOptions(process.argv.slice(2));
const runs = Math.floor(numberOption(options, 'runs', 500));
const seed = Math.floor(numberOption(options, 'seed', Date.now() % 1_000_000_000));
const shards = Math.max(1, Math.floor(numberOption(options, 'shards', 1)));
const slowFaults = options.has('slow-faults');
const reportDir = path.resolve('.test-results', 'explore');
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

/** Shard i runs its share of the sequences with seed + i, in a vitest process (and servers) of its own. */
const plan = Array.from({ length: shards }, (_, i) => {
  const total = Math.floor(runs / shards) + (i < runs % shards ? 1 : 0);
  const restartRuns = Math.round(total * 0.15);
  return { i, seed: seed + i, cachingRuns: total - restartRuns, restartRuns, dir: path.join(reportDir, `shard-${i}`) };
});
console.log(
  `explore: ${runs} sequences in ${shards} shard(s), seed ${seed}` +
    ` (again: npm run explore -- --runs ${runs} --seed ${seed}${shards > 1 ? ` --shards ${shards}` : ''}${slowFaults ? ' --slow-faults' : ''})`,
);
for (const shard of plan)
  console.log(
    `  shard ${shard.i}: seed ${shard.seed}, ${shard.cachingRuns} on a caching worker, ${shard.restartRuns} with worker restarts` +
      (shards > 1 ? ` (log: ${path.relative('.', shard.dir)}.log)` : ''),
  );
const started = Date.now();
const statuses = await Promise.all(
  plan.map(
    (shard) =>
      new Promise<number | null>((resolve) => {
        const log = shards > 1 ? openSync(`${shard.dir}.log`, 'w') : undefined;
        const child = spawn(
          process.execPath,
          [
            'node_modules/vitest/vitest.mjs',
            'run',
            'test/model/order-lifecycle.test.ts',
            'test/model/order-lifecycle-restarts.test.ts',
          ],
          {
            stdio: log === undefined ? 'inherit' : ['ignore', log, log],
            env: {
              ...process.env,
              MODEL_RUNS: String(shard.cachingRuns),
              MODEL_RESTART_RUNS: String(shard.restartRuns),
              MODEL_SEED: String(shard.seed),
              MODEL_REPORT_DIR: shard.dir,
              ...(slowFaults ? { MODEL_SLOW_FAULTS: '1' } : {}),
            },
          },
        );
        child.once('exit', (code) => resolve(code));
      }),
  ),
);

type Report = CoverageSummary & { counterexample: string | null };
const reports: Report[] = [];
for (const shard of plan)
  for (const name of ['caching-worker', 'worker-restarts']) {
    try {
      const report = JSON.parse(readFileSync(path.join(shard.dir, `${name}.json`), 'utf8')) as Report;
      reports.push({ ...report, name: shards > 1 ? `${name}, shard ${shard.i}` : name });
    } catch {
      console.log(`explore: the ${name} suite of shard ${shard.i} produced no report`);
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
const broken = reports.length < 2 * shards || reports.some((r) => r.violations > 0);
process.exit(broken || statuses.some((status) => status !== 0) ? 1 : 0);
