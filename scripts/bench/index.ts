/**
 * `npm run bench [-- NAME [OPTIONS]]`: the benchmarks. Figures go to the README with the command that
 * produced them; no test asserts on timing.
 *
 * - `orders` (default): complete orders over HTTP on a stack of its own, and the direct-call baseline.
 *   `--concurrency N` (4), `--orders N` or `--duration S` (60 s), `--mix guest:member:points` (6:3:1),
 *   `--warmup N` (10), `--no-direct`, `--label TEXT`, `--app-dir DIR` (run another checkout's code,
 *   e.g. a copy with a tuning change), `--env KEY=VALUE,…` (extra stack environment),
 *   `--preload [N]` (after the run, N orders and N members — 100,000 by default — are written into the
 *   database and the run is repeated; both are reported side by side), `--no-ceiling` (skip the no-op
 *   workflow of an order's shape that measures the engine's ceiling on the same server), `--no-replay`
 *   (skip replaying the orders' histories afterwards, the `npm run replay` figure).
 * - `db-access [--sizes 1000,10000,100000] [--samples N] [--only TEXT]`: each hot-path database access at
 *   each size (`--only console`: just the accesses whose name contains the text).
 * - `members-export [N]`: the member CSV export at scale (100,000 members by default).
 * - `workflow-bundle [RUNS]`: the worker's start-up bundling of the workflow code (what a pre-built bundle saves).
 */
import { parseOptions, numberOption } from './args.js';
import { benchDbAccess, dbAccessMarkdown } from './db-access.js';
import { benchMembersExport } from './members-export.js';
import { benchWorkflowBundle } from './workflow-bundle.js';
import { benchOrders, ordersMarkdown, parseMix } from './orders.js';
import { writeReport } from './report.js';

const [name = 'orders', ...rest] = process.argv.slice(2);
const { positional, options } = parseOptions(rest);

if (name === 'members-export') {
  const count = Number(positional[0] ?? 100_000);
  console.log(`bench members-export: ${count} members …`);
  const result = await benchMembersExport(count);
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `| members | db | export s | rows/s | CSV MiB | heap before MiB | peak heap MiB | peak RSS MiB |\n|---|---|---|---|---|---|---|---|\n` +
      `| ${result.members} | ${result.database} | ${result.exportSeconds} | ${result.rowsPerSecond} | ${(result.bytes / 1048576).toFixed(1)} | ${result.heapBeforeMiB} | ${result.peakHeapMiB} | ${result.peakRssMiB} |`,
  );
} else if (name === 'db-access') {
  const sizes = (options.get('sizes') ?? '1000,10000,100000').split(',').map((x) => Math.max(1, Math.floor(Number(x))));
  const figures = await benchDbAccess(
    sizes,
    Math.max(3, Math.floor(numberOption(options, 'samples', 30))),
    options.get('only'),
  );
  console.log(dbAccessMarkdown(figures, `npm run bench -- ${process.argv.slice(2).join(' ')}`));
} else if (name === 'workflow-bundle') {
  const result = await benchWorkflowBundle(Math.max(1, Number(positional[0] ?? 3)));
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `| runs | wall s each | CPU s each | bundle KiB |\n|---|---|---|---|\n| ${result.runs} | ${result.secondsEach.join(', ')} | ${result.cpuSecondsEach.join(', ')} | ${Math.round(result.bytes / 1024)} |`,
  );
} else if (name === 'orders' || name.startsWith('--')) {
  // `npm run bench -- --concurrency 8` (options without a name) means the orders bench.
  const all = name.startsWith('--') ? parseOptions(process.argv.slice(2)).options : options;
  const stackEnv = Object.fromEntries(
    (all.get('env') ?? '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  const label = all.get('label');
  const appDir = all.get('app-dir');
  const report = await benchOrders({
    concurrency: Math.max(1, Math.floor(numberOption(all, 'concurrency', 4))),
    ...(all.has('orders')
      ? { orders: Math.floor(numberOption(all, 'orders', 200)) }
      : { durationSeconds: numberOption(all, 'duration', 60) }),
    mix: parseMix(all.get('mix') ?? '6:3:1'),
    warmup: Math.floor(numberOption(all, 'warmup', 10)),
    direct: all.get('no-direct') !== 'true',
    ceiling: all.get('no-ceiling') !== 'true',
    ...(all.has('preload')
      ? { preload: all.get('preload') === 'true' ? 100_000 : Math.floor(numberOption(all, 'preload', 100_000)) }
      : {}),
    replay: all.get('no-replay') !== 'true',
    ...(label === undefined ? {} : { label }),
    ...(appDir === undefined ? {} : { appDir }),
    ...(Object.keys(stackEnv).length === 0 ? {} : { stackEnv }),
  });
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  const markdown = ordersMarkdown(report, command);
  console.log(markdown);
  const written = await writeReport('bench-orders', report, markdown, label);
  console.log(`written: ${written.json}, ${written.markdown}`);
} else {
  console.error(`unknown bench "${name}": orders | db-access | members-export | workflow-bundle`);
  process.exitCode = 2;
}
