/**
 * Runs vitest and ends with the plain line CI reads: `N passed, N failed, N skipped`.
 * Exits non-zero when anything failed or when vitest itself could not run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const resultsFile = path.resolve('.test-results', 'vitest.json');
rmSync(resultsFile, { force: true });
const vitest = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
}

let summary: VitestJson | undefined;
try {
  summary = JSON.parse(readFileSync(resultsFile, 'utf8')) as VitestJson;
} catch {
  summary = undefined;
}
if (summary === undefined) {
  console.log('vitest produced no results');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// A test file that fails to load counts as a failure even though it ran no test.
const failed = summary.numFailedTests + (summary.numFailedTests === 0 ? summary.numFailedTestSuites : 0);
const skipped = summary.numPendingTests + summary.numTodoTests;
console.log(`${summary.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0);
