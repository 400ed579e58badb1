/**
 * `npm run bench [-- NAME [ARGS]]`: runs the benchmarks and prints their figures (JSON + a table).
 * Figures go to the README with the command that produced them; no test asserts on timing.
 */
import { benchMembersExport } from './members-export.js';

const [name = 'all', ...args] = process.argv.slice(2);

if (name === 'all' || name === 'members-export') {
  const count = Number(args[0] ?? 100_000);
  console.log(`bench members-export: ${count} members …`);
  const result = await benchMembersExport(count);
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `| members | db | export s | rows/s | CSV MiB | heap before MiB | peak heap MiB | peak RSS MiB |\n|---|---|---|---|---|---|---|---|\n` +
      `| ${result.members} | ${result.database} | ${result.exportSeconds} | ${result.rowsPerSecond} | ${(result.bytes / 1048576).toFixed(1)} | ${result.heapBeforeMiB} | ${result.peakHeapMiB} | ${result.peakRssMiB} |`,
  );
}
