/**
 * `npm run bench -- workflow-bundle`: what a worker pays at every start to bundle the workflow code
 * (webpack, in-process) — the time a pre-built bundle (`bundleWorkflowCode` at build time, then
 * `workflowBundle: { codePath }`) saves on each start and each restart after a crash.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../worker/worker.js';

// The worker's failure converter is bundled with the workflows (worker/data-converter.ts).
const failureConverterFile = path.resolve('worker', 'failure-converter.js');

export interface BundleBenchResult {
  runs: number;
  secondsEach: number[];
  bytes: number;
  cpuSecondsEach: number[];
}

export async function benchWorkflowBundle(runs: number): Promise<BundleBenchResult> {
  const secondsEach: number[] = [];
  const cpuSecondsEach: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i += 1) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      ...(existsSync(failureConverterFile) ? { failureConverterPath: failureConverterFile } : {}),
      logger: {
        log: () => undefined,
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    secondsEach.push(Math.round((performance.now() - started) / 10) / 100);
    const used = process.cpuUsage(cpu);
    cpuSecondsEach.push(Math.round((used.user + used.system) / 1e4) / 100);
    bytes = bundle.code.length;
  }
  return { runs, secondsEach, bytes, cpuSecondsEach };
}
