/**
 * The CI-sized chaos run (`npm run chaos -- --short` in a test): every scenario with a small load on a
 * stack of separate processes; fails on any lost order, double charge or capture, or a mismatch
 * between workflow, read model and Amazon's ledger. About 3–4 minutes on 2 cores, so it runs only
 * when asked: `CHAOS=1 npx vitest run test/chaos` (CHAOS_APP_DIR runs another checkout's code).
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../scripts/chaos/run.js';

const enabled = process.env['CHAOS'] === '1';

describe('chaos (CI size)', () => {
  it.skipIf(!enabled)(
    'loses no order, charges and captures once, and agrees with Amazon after every fault',
    async () => {
      const appDir = process.env['CHAOS_APP_DIR'];
      const result = await runChaos({
        orders: 6,
        concurrency: 3,
        short: true,
        ...(appDir === undefined || appDir === '' ? {} : { appDir }),
        say: (line) => console.log(`chaos: ${line}`),
      });
      console.log(result.markdown);
      for (const r of result.results) {
        expect({
          scenario: r.scenario,
          lost: r.lost,
          duplicates: r.duplicates,
          mismatches: r.mismatches,
          problems: r.problems.filter((p) => !p.startsWith('unfinished')),
        }).toEqual({
          scenario: r.scenario,
          lost: 0,
          duplicates: 0,
          mismatches: 0,
          problems: [],
        });
        expect(r.completed, `${r.scenario}: no order completed`).toBeGreaterThan(0);
      }
    },
    15 * 60_000,
  );
});
