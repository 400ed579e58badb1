/**
 * `npm run chaos [-- OPTIONS]`: the fault-injection scenarios on a stack of separate processes (free
 * ports, scratch data), each ending with a reconciliation and a three-way cross-check; prints the
 * table and writes it to reports/ (JSON + Markdown). Exits 1 when any order was lost, charged or
 * captured twice, or disagrees between workflow, read model and Amazon.
 *
 * Options: `--orders N` per scenario (20; 6 with --short), `--concurrency N` (4; 3 with --short),
 * `--short` (the CI size: smaller load, 15 s instead of 60 s of 5xx), `--only a,b` (scenario names),
 * `--app-dir DIR` (run another checkout's code), `--keep` (keep the data and logs).
 */
import { numberOption, parseOptions } from '../bench/args.js';
import { writeReport } from '../bench/report.js';
import { runChaos } from './run.js';

const { options } = parseOptions(process.argv.slice(2));
const short = options.get('short') === 'true';
const only = options
  .get('only')
  ?.split(',')
  .filter((s) => s !== '');
const appDir = options.get('app-dir');
const result = await runChaos({
  orders: Math.floor(numberOption(options, 'orders', short ? 6 : 20)),
  concurrency: Math.max(1, Math.floor(numberOption(options, 'concurrency', short ? 3 : 4))),
  short,
  keep: options.get('keep') === 'true',
  ...(only === undefined ? {} : { only }),
  ...(appDir === undefined ? {} : { appDir }),
  say: (line) => process.stderr.write(`chaos: ${line}\n`),
  command: `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim(),
});
console.log(result.markdown);
const written = await writeReport(short ? 'chaos-short' : 'chaos', result, result.markdown);
console.log(`written: ${written.json}, ${written.markdown}`);
process.exitCode = result.ok ? 0 : 1;
