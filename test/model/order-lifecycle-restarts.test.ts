/**
 * The order lifecycle, model-based, with worker restarts among the steps (test/model/model-suite.ts):
 * the worker replays every workflow task from its history, so every step also proves the workflow
 * replays deterministically.
 */
import { modelSuite } from './model-suite.js';

modelSuite({
  name: 'worker-restarts',
  restarts: true,
  runs: Number(process.env['MODEL_RESTART_RUNS'] ?? 60),
  seed: Number(process.env['MODEL_SEED'] ?? 20_261_201),
  slowFaults: process.env['MODEL_SLOW_FAULTS'] === '1',
});
