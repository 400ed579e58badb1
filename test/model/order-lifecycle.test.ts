/**
 * The order lifecycle, model-based, on a caching worker (test/model/model-suite.ts): buyers, staff,
 * Amazon refusals, declines, 5xx, lost answers and days passing. CI runs a fixed seed;
 * `npm run explore -- --runs N --seed S` runs longer and prints the coverage.
 */
import { modelSuite } from './model-suite.js';

modelSuite({
  name: 'caching-worker',
  restarts: false,
  runs: Number(process.env['MODEL_RUNS'] ?? 250),
  seed: Number(process.env['MODEL_SEED'] ?? 20_261_201),
  slowFaults: process.env['MODEL_SLOW_FAULTS'] === '1',
});
