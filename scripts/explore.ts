/**
 * `npm run explore [-- --runs N --seed S --slow-faults]`: the model-based order lifecycle test
 * (test/model/) with more sequences than CI runs, on the same real servers the tests start. Prints
 * what it covered (actions and faults per sequence, the statuses reached) and, when an invariant
 * broke, the shrunk sequence with its seed; writes it all to .test-results/explore.json.
 *
 * `--slow-faults` adds Amazon outages longer than the activities' retries (15–40 s each).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { numberOption, parseOptions } from './bench/args.js';

const { options } = parseOptions(process.argv.slice(2));
const runs = Math.floor(numberOption(options, 'runs', 500));
const seed = Math.floor(numberOption(options, 'seed', Date.now() % 1_000_000_000));
const report = path.resolve('.test-results', 'explore.json');
rmSync(report, { force: true });

console.log(
  `explore: ${runs} sequences, seed ${seed} (again: npm run explore -- --runs ${runs} --seed ${seed}${options.has('slow-faults') ? ' --slow-faults' : ''})`,
);
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', 'test/model/order-lifecycle.test.ts'],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      MODEL_RUNS: String(runs),
      MODEL_SEED: String(seed),
      MODEL_REPORT: report,
      ...(options.has('slow-faults') ? { MODEL_SLOW_FAULTS: '1' } : {}),
    },
  },
);

let summary: { violations: number; counterexample: string | null } | undefined;
try {
  summary = JSON.parse(readFileSync(report, 'utf8')) as typeof summary;
} catch {
  summary = undefined;
}
if (summary === undefined) {
  console.log('explore: the model-based test produced no report');
  process.exit(1);
}
console.log(JSON.stringify({ ...summary, counterexample: undefined }, null, 2));
if (summary.counterexample !== null) console.log(`\ncounterexample:\n${summary.counterexample}`);
process.exit(summary.violations > 0 || vitest.status !== 0 ? 1 : 0);
